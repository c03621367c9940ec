/**
 * Builds the Worker's static assets into public/ (generated, git-ignored): the dashboard
 * (web/main.ts bundled with the typed client) and the offline API reference, whose Swagger UI
 * files are copied from node_modules so /docs never loads anything from a CDN.
 * Runs before `npm run dev`, `npm test`, `npm run build` and the end-to-end suite.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'public');
const web = join(root, 'web');
const swagger = join(root, 'node_modules', 'swagger-ui-dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'vendor', 'swagger-ui'), { recursive: true });
for (const file of ['index.html', 'styles.css', 'docs.html', 'docs.js', '_headers']) copyFileSync(join(web, file), join(out, file));
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) copyFileSync(join(swagger, file), join(out, 'vendor', 'swagger-ui', file));

await build({
  entryPoints: [join(web, 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
