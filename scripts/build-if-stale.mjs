// `npm start` runs this first: it builds only when a source of the build is newer than the last
// build, so a start on an up-to-date checkout takes no build time (a full build is ~10 s).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.build-stamp';
/** What the build reads: a change in any of them makes dist/ stale. */
const INPUTS = ['src', 'scripts/bundle.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const built = existsSync(STAMP) && existsSync('dist/bundle/main.js') ? statSync(STAMP).mtimeMs : 0;
const changed = Math.max(...INPUTS.map(newestMtime));
if (built > changed) {
  process.stderr.write('dist/ is up to date; not rebuilding (npm run build forces a build)\n');
} else {
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}
