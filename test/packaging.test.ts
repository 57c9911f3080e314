import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The packages a file loads when it runs: static and dynamic imports, type-only ones aside. */
function packagesLoaded(text: string): string[] {
  const specifiers = [
    ...[...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!),
    ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!),
  ];
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

describe('the published package', () => {
  it('lists every package the CLI loads under dependencies (a production install has nothing else)', () => {
    // the benchmark (bench/, outside source/) runs from the repository, with its devDependencies
    const shipped = sourceFiles(join(root, 'source'));
    const missing = shipped.flatMap((file) =>
      packagesLoaded(readFileSync(file, 'utf8'))
        .filter((name) => !builtinModules.includes(name) && !(name in manifest.dependencies))
        .map((name) => `${relative(root, file)}: ${name}`),
    );
    expect(shipped.length).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('is never published by accident, and installs without its dev tools (then says how to build)', () => {
    expect((manifest as unknown as { private?: boolean }).private).toBe(true);
    // the prepare step, where TypeScript is not installed (npm ci --omit=dev): a note, not a failure
    const bare = mkdtempSync(join(tmpdir(), 'lsync-prepare-'));
    copyFileSync(join(root, 'scripts', 'prepare.mjs'), join(bare, 'prepare.mjs'));
    const run = spawnSync(process.execPath, [join(bare, 'prepare.mjs')], { cwd: bare, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('npm ci && npm run build && npm prune --omit=dev');
  });
});
