// `npm run bench:server`: the project has no TypeScript runner, so this bundles bench/server.ts
// (with the src-main code it imports) through Vite's SSR build into a temp directory and runs the
// bundle in a fresh Node process, so the bundler's memory and threads are gone before anything is
// measured.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = mkdtempSync(path.join(os.tmpdir(), 'zoolab-bench-build-'));
const cleanUp = () => rmSync(outDir, { recursive: true, force: true });

try {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: path.join(root, 'bench/server.ts'),
      outDir,
      target: 'node20',
      minify: false,
      emptyOutDir: false,
      sourcemap: true,
      // CommonJS like electron-vite's main build, so code that uses __dirname behaves the same.
      rolldownOptions: { output: { format: 'cjs', entryFileNames: 'server.cjs' } },
    },
  });
} catch (err) {
  cleanUp();
  console.error(`bench: could not bundle bench/server.ts: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

const child = spawn(process.execPath, ['--enable-source-maps', path.join(outDir, 'server.cjs'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal; a SIGTERM sent to this process alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  cleanUp();
  process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
});
