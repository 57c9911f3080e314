/**
 * The command line's flags, in one place: what meow parses, and what a mistyped flag is
 * told against ("Unknown flag --dryrun. Did you mean --dry-run?").
 */
export const FLAGS = {
  sandboxUrl: { type: 'string' },
  prodUrl: { type: 'string' },
  dryRun: { type: 'boolean', default: false },
  yes: { type: 'boolean', shortFlag: 'y', default: false },
  report: { type: 'string' },
  student: { type: 'string', isMultiple: true },
  since: { type: 'string' },
  until: { type: 'string' },
  lang: { type: 'string' },
  plain: { type: 'boolean', default: false },
  demo: { type: 'boolean', default: false },
  lockTimeout: { type: 'string' },
  exitCode: { type: 'boolean', default: false },
  lesson: { type: 'string', isMultiple: true },
  excludeLesson: { type: 'string', isMultiple: true },
  savePlan: { type: 'string' },
  applyPlan: { type: 'string' },
  undoFile: { type: 'string' },
  list: { type: 'boolean', default: false },
  createIndex: { type: 'boolean', default: false },
} as const;

export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Every spelling the command line takes, as typed: --dry-run, -y, --no-plain, … */
function knownSpellings(): Map<string, string> {
  const known = new Map<string, string>();
  for (const [name, spec] of Object.entries(FLAGS)) {
    const long = `--${kebab(name)}`;
    known.set(long, long);
    if (spec.type === 'boolean') known.set(`--no-${kebab(name)}`, long);
    if ('shortFlag' in spec) known.set(`-${spec.shortFlag}`, long);
  }
  for (const extra of ['--help', '-h', '--version', '-V']) known.set(extra, extra);
  return known;
}

/** Levenshtein distance, for a suggestion. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const kept = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = kept;
    }
  }
  return row[b.length]!;
}

/** The first flag of `argv` this tool does not take, and the known one nearest to it, if one is near. */
export function unknownFlag(argv: readonly string[]): { flag: string; nearest: string | undefined } | undefined {
  const known = knownSpellings();
  const takesValue = new Set(Object.entries(FLAGS).filter(([, spec]) => spec.type === 'string').map(([name]) => `--${kebab(name)}`));
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') break;
    if (!token.startsWith('-') || token === '-') continue;
    const flag = token.split('=')[0]!;
    if (known.has(flag)) {
      if (takesValue.has(flag) && !token.includes('=')) i++; // its value, whatever it looks like
      continue;
    }
    let nearest: string | undefined;
    let best = Infinity;
    for (const name of new Set(known.values())) {
      const d = distance(flag.replace(/^-+/, ''), name.replace(/^-+/, ''));
      if (d < best) [best, nearest] = [d, name];
    }
    return { flag, nearest: best <= Math.max(2, Math.floor(flag.length / 3)) ? nearest : undefined };
  }
  return undefined;
}
