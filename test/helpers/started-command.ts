import { ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { waitFor } from './wait-for';

const ROOT = resolve(__dirname, '../..');

/**
 * A command started from the project's folder as a person starts it, with its output collected,
 * in a process group of its own, so that whatever it leaves behind can be found (and, whatever
 * the outcome, removed) by that group. Of this process's environment it gets only `PATH` and
 * where temporary files go, besides `env`.
 */
export class StartedCommand {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(command: string, args: string[], env: Record<string, string>) {
    this.child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', TMPDIR: tmpdir(), ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolveExit) =>
      this.child.once('exit', (code, signal) => resolveExit({ code, signal })),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once `text` has been printed; fails if the command ends first. */
  async printed(text: string): Promise<void> {
    await waitFor(
      () => {
        if (this.output.includes(text)) return true;
        if (!this.running) throw new Error(`It stopped before printing "${text}":\n${this.output}`);
        return false;
      },
      { what: () => `"${text}" in:\n${this.output}`, progress: () => this.output.length },
    );
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** The processes of its group still alive: none once it and everything it started ended. */
  groupAlive(): boolean {
    try {
      process.kill(-this.groupId, 0);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw error;
    }
  }

  /** Ends whatever of its group is left, when a test failed half-way. */
  removeGroup(): void {
    if (this.groupAlive()) process.kill(-this.groupId, 'SIGKILL');
  }

  private get groupId(): number {
    if (this.child.pid === undefined) throw new Error('The command did not start');
    return this.child.pid;
  }
}
