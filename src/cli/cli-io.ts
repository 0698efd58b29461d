import type { Environment } from './cli-arguments';

/** Where the CLI writes; `isTTY` tells a terminal from a pipe or a file. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean };

/** What a command may touch of the world around it; tests pass their own. */
export interface CliIo {
  /** Results: what a script reads. */
  stdout: OutputStream;
  /** Progress, problems and hints. */
  stderr: OutputStream;
  env: Environment;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
}

export function writeLines(stream: OutputStream, lines: readonly string[]): void {
  stream.write(lines.map((line) => `${line}\n`).join(''));
}

export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
