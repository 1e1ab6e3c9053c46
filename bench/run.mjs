// `node bench/run.mjs <entry> [args]` (npm run bench:server, npm run bench:ensemble): the project has
// no TypeScript runner, so this bundles bench/<entry>.ts (with the src-main code it imports) through
// Vite's SSR build into a temp directory and runs the bundle in a fresh Node process, so the
// bundler's memory and threads are gone before anything is measured.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Entries are the bench/*.ts files that are not helpers of another one (bench/ensemble-*.ts, ...).
const entries = readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.includes('-'))
  .map((f) => f.slice(0, -3))
  .sort();
const [entry, ...args] = process.argv.slice(2);
if (!entry || !entries.includes(entry)) {
  console.error(`${entry ? `bench: no benchmark '${entry}'. ` : ''}usage: node bench/run.mjs <${entries.join('|')}> [args]`);
  process.exit(2);
}

// Every benchmark runs ZooLab's built command line; say so now rather than after bundling.
const cli = path.join(root, 'out/main/cli.js');
if (!existsSync(cli)) {
  console.error(`bench: ZooLab is not built (${path.relative(root, cli)} is missing): run npm run build (npx electron-vite build) first`);
  process.exit(1);
}

const outDir = mkdtempSync(path.join(os.tmpdir(), 'zoolab-bench-build-'));
const cleanUp = () => rmSync(outDir, { recursive: true, force: true });

try {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: path.join(root, `bench/${entry}.ts`),
      outDir,
      target: 'node20',
      minify: false,
      emptyOutDir: false,
      sourcemap: true,
      // CommonJS like electron-vite's main build, so code that uses __dirname behaves the same.
      rolldownOptions: { output: { format: 'cjs', entryFileNames: `${entry}.cjs` } },
    },
  });
} catch (err) {
  cleanUp();
  console.error(`bench: could not bundle bench/${entry}.ts: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

const child = spawn(process.execPath, ['--enable-source-maps', path.join(outDir, `${entry}.cjs`), ...args], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal; a SIGTERM sent to this process alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  cleanUp();
  process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
});
