/** Small numeric and timing helpers shared by the measures. */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Nearest-rank percentile of unsorted values; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : sum(values) / values.length;
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * Runs `work` over the items with at most `parallel` in flight, in list order, as a queue
 * consumer with that concurrency would.
 */
export async function runPool<T>(
  items: readonly T[],
  parallel: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

export interface Timed {
  wallMs: number;
  /** CPU time of this process (user + system) over the same span. */
  cpuMs: number;
  /** Share of the whole machine's CPU that was busy, whoever used it; null off Linux. */
  machineBusyShare: number | null;
}

export async function timed(action: () => Promise<void>): Promise<Timed> {
  const machine = new MachineCpu();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await action();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, machineBusyShare: machine.busyShare() };
}

/**
 * Machine-wide CPU use since construction, from /proc/stat: when it is well above what the
 * measured processes used, something else on the machine was competing for the cores.
 */
export class MachineCpu {
  private readonly start = MachineCpu.read();

  busyShare(): number | null {
    const end = MachineCpu.read();
    if (!this.start || !end || end.total === this.start.total) return null;
    return (end.busy - this.start.busy) / (end.total - this.start.total);
  }

  private static read(): { busy: number; total: number } | null {
    try {
      // cpu  user nice system idle iowait irq softirq steal
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
      const ticks = fields.slice(1, 9).map(Number);
      const total = sum(ticks);
      return { busy: total - ticks[3] - ticks[4], total };
    } catch {
      return null;
    }
  }
}

export interface LatencyFigures {
  p50: number;
  p95: number;
  max: number;
}

export function latency(values: number[]): LatencyFigures {
  return { p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values) };
}
