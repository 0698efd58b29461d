import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { TYPESCRIPT_LOADER_ARGS } from './typescript-loader';
import { STALL_MS } from './wait-for';

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** The child's whole environment, besides PATH: nothing leaks in from the test process. */
  env?: Record<string, string>;
  cwd?: string;
  /** How long it may print nothing before it is killed; STALL_MS unless told. */
  timeoutMs?: number;
  /** Runs it on a pseudo-terminal (with `script`); stdout and stderr then arrive together. */
  terminal?: boolean;
}

const projectRoot = resolve(__dirname, '../..');
const cliEntry = resolve(projectRoot, 'src/cli/main.ts');
// The loader is resolved here, and the tsconfig.json named: the child may run in a folder with
// no node_modules or tsconfig.json of its own.
const tsConfig = resolve(projectRoot, 'tsconfig.json');

/**
 * Runs the `image-batch` command from source in a child process and collects what it prints.
 * Asynchronous on purpose: a service started in the test process must go on answering it.
 */
export function runCliProcess(
  args: readonly string[],
  { env = {}, cwd = projectRoot, timeoutMs = STALL_MS, terminal = false }: CliRunOptions = {},
): Promise<CliRun> {
  const command = [process.execPath, ...TYPESCRIPT_LOADER_ARGS, cliEntry, ...args];
  const [file, ...fileArgs] = terminal
    ? ['script', '-qefc', command.map(shellQuoted).join(' '), '/dev/null']
    : command;
  const child = spawn(file, fileArgs, {
    cwd,
    env: { PATH: process.env.PATH ?? '', SWC_NODE_PROJECT: tsConfig, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A command that waits on the service prints as it goes: it fails only once it has printed
  // nothing for `timeoutMs`, however long the whole run takes.
  return new Promise((resolveRun, reject) => {
    const stalled = () => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `image-batch ${args.join(' ')} printed nothing for ${timeoutMs} ms:\n${stdout}${stderr}`,
        ),
      );
    };
    let timer = setTimeout(stalled, timeoutMs);
    const restartTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(stalled, timeoutMs);
    };
    child.stdout.on('data', restartTimer);
    child.stderr.on('data', restartTimer);
    child.once('error', reject);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolveRun({ exitCode, stdout, stderr });
    });
  });
}

const shellQuoted = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
