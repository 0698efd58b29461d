/**
 * `npm run build:console` bundles the web console (console/) with esbuild into dist/console,
 * which the service serves at `/`: index.html, one script and one stylesheet. The script and
 * stylesheet are named by a hash of their content, so browsers may keep them for good, while
 * index.html is checked again on every visit. Type checking is `tsc -p console` (esbuild only
 * strips types).
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runScript } from './generated-file';

const SOURCE = resolve(__dirname, '..', 'console');
export const CONSOLE_OUTPUT = resolve(__dirname, '..', 'dist', 'console');

export interface ConsoleBuild {
  directory: string;
  /** Every file of the page with its size, and its size gzipped, in bytes. */
  files: { name: string; bytes: number; gzipped: number }[];
}

export async function buildConsole(directory = CONSOLE_OUTPUT): Promise<ConsoleBuild> {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const result = await build({
    entryPoints: { console: join(SOURCE, 'src', 'main.ts') },
    outdir: directory,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
  const script = outputs.find((name) => name.endsWith('.js'));
  const style = outputs.find((name) => name.endsWith('.css'));
  if (!script || !style)
    throw new Error(`esbuild wrote no script or stylesheet: ${outputs.join(', ')}`);

  const page = readFileSync(join(SOURCE, 'index.html'), 'utf8');
  const html = page
    .replace('href="console.css"', `href="${style}"`)
    .replace('src="console.js"', `src="${script}"`);
  if (!html.includes(style) || !html.includes(script)) {
    throw new Error('console/index.html must link console.css and console.js');
  }
  writeFileSync(join(directory, 'index.html'), html);

  const files = ['index.html', script, style].map((name) => {
    const contents = readFileSync(join(directory, name));
    return {
      name,
      bytes: statSync(join(directory, name)).size,
      gzipped: gzipSync(contents).length,
    };
  });
  return { directory, files };
}

if (require.main === module) {
  runScript(async () => {
    const { directory, files } = await buildConsole();
    const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    for (const file of files) {
      console.log(
        `${file.name.padEnd(28)} ${kilobytes(file.bytes)} (${kilobytes(file.gzipped)} gzipped)`,
      );
    }
    const total = files.reduce((sum, file) => sum + file.gzipped, 0);
    console.log(`Wrote the console to ${directory}: ${kilobytes(total)} gzipped in all`);
  });
}
