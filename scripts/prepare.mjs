// `npm install` / `npm ci` run this: dist/ is built when TypeScript is installed. An install
// without the dev dependencies (--omit=dev) has no compiler: it is told how to build instead
// of failing (README, "Install").
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';

try {
  createRequire(import.meta.url).resolve('typescript');
} catch {
  console.warn('lesson-sync: TypeScript is not installed (--omit=dev), dist/ is not built. To install for use: npm ci && npm run build && npm prune --omit=dev');
  process.exit(0);
}
execSync('npm run build', { stdio: 'inherit' });
