/**
 * Runs the service as a child process, the way it runs in production (`node dist/src/main.js`),
 * from a fresh transpile of src/ into a temporary folder: ts-node would add the TypeScript
 * compiler's ~100 MB to the memory the ingest measure reports, and dist/ may be stale or shared.
 */
import Bull from 'bull';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { Environment } from '../src/config/environment';
import { freePort } from '../test/helpers/free-port';
import { sleep, waitFor } from '../test/helpers/wait-for';

export const PROJECT_ROOT = resolve(__dirname, '..');
const LOG_TAIL_CHARS = 64 * 1024;
/** Linux reports CPU times in clock ticks; 100 per second on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Transpiles the service (tsconfig.build.json) into `outDir`; returns the main script. */
export function buildService(outDir: string): string {
  const configPath = join(PROJECT_ROOT, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`Cannot read ${configPath}`);
  // The project sets isolatedModules, so file-by-file transpiling is exactly what tsc emits.
  const compilerOptions = { ...parsed.options, sourceMap: false, declaration: false };
  for (const file of parsed.fileNames) {
    if (file.endsWith('.d.ts')) continue; // types only: nothing to emit
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions,
      fileName: file,
    });
    const target = join(outDir, relative(PROJECT_ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return join(outDir, 'src', 'main.js');
}

export type Env = Record<string, string>;

/** Every variable the service reads, so that the shell's settings cannot leak into "defaults". */
function serviceVariableNames(): string[] {
  return [...new Set([...Object.keys(new Environment()), 'DATABASE_URL'])];
}

/**
 * The service's default configuration, except what a benchmark must own: its own SQLite file,
 * storage folder and queue prefix, loopback addresses, and downloads from the loopback server.
 * Process-level tuning (UV_THREADPOOL_SIZE, …) is inherited from the shell; MALLOC_ARENA_MAX is
 * 2 unless the shell sets it, as `npm start` and the Dockerfile run the service.
 */
export async function benchEnvironment(dataDir: string, overrides: Env): Promise<Env> {
  const port = await freePort();
  const inherited: Env = {};
  const serviceVariables = new Set(serviceVariableNames());
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !serviceVariables.has(key)) inherited[key] = value;
  }
  return {
    ...inherited,
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    MODE: 'all',
    SINGLE_HOST: 'true',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    SQLITE_PATH: join(dataDir, 'app.sqlite'),
    STORAGE_DIR: join(dataDir, 'images'),
    QUEUE_PREFIX: `bench-${randomUUID()}`,
    ALLOW_PRIVATE_NETWORKS: 'true',
    // Rounds upload the same images again: each must be processed, not reused from the last.
    REUSE_RESULTS: 'false',
    ...overrides,
  };
}

export interface ProcessSample {
  rssBytes: number;
  /** Peak resident set since the process started (VmHWM). */
  peakRssBytes: number;
}

export class ServiceProcess {
  private output = '';
  private readonly child: ChildProcess;
  readonly baseUrl: string;

  constructor(
    mainScript: string,
    readonly env: Env,
  ) {
    this.baseUrl = env.PUBLIC_BASE_URL;
    this.child = spawn(process.execPath, [mainScript], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-LOG_TAIL_CHARS);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('The service process did not start');
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get logTail(): string {
    return this.output;
  }

  /** Waits until the service answers HTTP at all (a 404 will do), whatever its log says. */
  async ready(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        if (!this.running) {
          throw new Error(`The service exited (${this.child.exitCode}):\n${this.output}`);
        }
        try {
          const response = await fetch(`${this.baseUrl}/`, { signal: AbortSignal.timeout(2000) });
          await response.arrayBuffer();
          return true;
        } catch {
          return undefined;
        }
      },
      { timeoutMs, intervalMs: 200, what: 'the service to answer HTTP' },
    );
  }

  memory(): ProcessSample {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kilobytes = (field: string): number => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : Number.NaN;
    };
    return { rssBytes: kilobytes('VmRSS'), peakRssBytes: kilobytes('VmHWM') };
  }

  /** User + system CPU time the process has used so far, in milliseconds. */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  }

  /** SIGTERM, then SIGKILL if the service has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill('SIGTERM');
    const timedOut = await Promise.race([
      exited.then(() => false),
      sleep(graceMs).then(() => true),
    ]);
    if (timedOut) {
      this.child.kill('SIGKILL');
      await exited;
    }
  }

  /** For process exit handlers, which cannot wait. */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

/** Samples a process's memory every `intervalMs` until stopped; keeps the peak. */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  peakRssBytes = 0;
  samples = 0;

  constructor(
    private readonly service: ServiceProcess,
    private readonly intervalMs = 50,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.service.running) return;
      this.peakRssBytes = Math.max(this.peakRssBytes, this.service.memory().rssBytes);
      this.samples++;
    }, this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** A temporary folder for one service's SQLite file and images. */
export function makeDataDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `image-batch-bench-${label}-`));
}

export function removeDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** Deletes every Redis key under the bench's own unique prefix; returns how many. */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<number> {
  if (!prefix.startsWith('bench-')) throw new Error(`Refusing to delete keys of prefix ${prefix}`);
  const queue = new Bull('bench-cleanup', redisUrl, { prefix });
  let deleted = 0;
  try {
    const client = queue.client;
    let cursor = '0';
    const deadline = Date.now() + 120_000;
    do {
      const [nextCursor, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
      cursor = nextCursor;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0' && Date.now() < deadline);
  } finally {
    await queue.close();
  }
  return deleted;
}

/** Redis's own memory use, to show what a large request costs there. */
export async function redisUsedMemory(redisUrl: string): Promise<number> {
  const queue = new Bull('bench-probe', redisUrl, { prefix: `bench-${randomUUID()}` });
  try {
    const info = await queue.client.info('memory');
    const match = /^used_memory:(\d+)/m.exec(info);
    return match ? Number(match[1]) : Number.NaN;
  } finally {
    await queue.close();
  }
}
