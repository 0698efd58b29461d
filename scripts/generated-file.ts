import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Writes a generated file, or with `--check` fails when the committed one differs, so that CI
 * catches a contract that was not regenerated after a code change.
 */
export function writeOrCheck(path: string, contents: string, regenerate: string): void {
  const file = relative(process.cwd(), path);
  if (!process.argv.includes('--check')) {
    writeFileSync(path, contents);
    console.log(`Wrote ${file}`);
  } else if ((existsSync(path) ? readFileSync(path, 'utf8') : '') !== contents) {
    console.error(`${file} is out of date: run \`${regenerate}\` and commit the result.`);
    process.exitCode = 1;
  } else {
    console.log(`${file} is up to date`);
  }
}

/** Runs a script's main function, turning a rejection into a failing exit code. */
export function runScript(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
