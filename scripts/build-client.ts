/**
 * Builds what the package hands to other programs into build/ (generated, git-ignored): the typed
 * client as one ES module with its type declarations (`datacloak-job-queue/client`, for plain
 * Node ≥ 18 and browsers, which cannot load `.ts`), and the `jobs` CLI as one script for Node ≥ 20.
 * Runs on `npm install` (prepare) and before the end-to-end suite.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build');

rmSync(out, { recursive: true, force: true });
const shared = { bundle: true, format: 'esm', logLevel: 'warning', legalComments: 'none' } as const;
await build({ ...shared, entryPoints: [join(root, 'src/client/index.ts')], outfile: join(out, 'client/index.js'), platform: 'neutral', target: 'es2022' });
await build({
  ...shared,
  entryPoints: [join(root, 'bin/jobs.ts')],
  outfile: join(out, 'bin/jobs.js'),
  platform: 'node',
  target: 'node20',
});
// The declarations come from the compiler itself (esbuild drops types); only the client's own
// type-only imports come along (the Zod schemas its types are inferred from).
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.client.json')], { stdio: 'inherit' });
