import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';

/** A .env file in dotenv's own format (quotes, `export`, comments, multi-line values, CRLF). */
export function parseDotenv(text: string): Record<string, string> {
  return parse(text);
}

export function readDotenv(dir: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(join(dir, '.env'), 'utf8'));
  } catch {
    return {};
  }
}
