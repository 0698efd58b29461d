import type { RequestStatusResponse } from '../client';

export type RequestState = RequestStatusResponse['status'];

export interface ProgressSnapshot {
  state: RequestState;
  processed: number;
  total: number;
  failed: number;
}

export function snapshotOf(status: RequestStatusResponse): ProgressSnapshot {
  const { processed, total, failed } = status.progress;
  return { state: status.status, processed, total, failed };
}

export function isFinished(state: RequestState): boolean {
  return state === 'Completed' || state === 'Failed';
}

/** Whole percent, rounded down so that 100% means every image is done. */
export function percentDone({ processed, total }: Pick<ProgressSnapshot, 'processed' | 'total'>) {
  return total === 0 ? 100 : Math.floor((processed * 100) / total);
}

/** `0:07`, `12:05`, `1:02:03`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** `[0:07] Processing: 40/100 images (40%), 3 failed` */
export function formatProgressLine(snapshot: ProgressSnapshot, elapsedMs: number): string {
  const { state, processed, total, failed } = snapshot;
  return `[${formatElapsed(elapsedMs)}] ${state}: ${processed}/${total} images (${percentDone(snapshot)}%), ${failed} failed`;
}

/** What follows the bar on a terminal: `40% | 40/100 images | 3 failed | about 0:12 left`. */
export function formatBarLabel(snapshot: ProgressSnapshot, secondsLeft?: number): string {
  const { processed, total, failed } = snapshot;
  const parts = [`${percentDone(snapshot)}%`, `${processed}/${total} images`, `${failed} failed`];
  if (secondsLeft !== undefined && !isFinished(snapshot.state) && processed > 0) {
    parts.push(`about ${formatElapsed(secondsLeft * 1000)} left`);
  }
  return parts.join(' | ');
}

/**
 * Decides which progress snapshots deserve a line of their own when the output is not a
 * terminal (a log, a CI job): the first one, every change of state, and otherwise progress
 * only when it crosses a `percentStep` mark or `quietMs` have passed since the last line.
 */
export class ProgressLineThrottle {
  private last?: { snapshot: ProgressSnapshot; atMs: number };

  constructor(
    private readonly percentStep = 10,
    private readonly quietMs = 30_000,
  ) {}

  shouldPrint(snapshot: ProgressSnapshot, nowMs: number): boolean {
    const print = this.deserves(snapshot, nowMs);
    if (print) this.last = { snapshot, atMs: nowMs };
    return print;
  }

  private deserves(snapshot: ProgressSnapshot, nowMs: number): boolean {
    if (!this.last) return true;
    const previous = this.last.snapshot;
    if (snapshot.state !== previous.state) return true;
    if (snapshot.processed === previous.processed && snapshot.total === previous.total) {
      return false;
    }
    const step = (value: ProgressSnapshot) => Math.floor(percentDone(value) / this.percentStep);
    return step(snapshot) !== step(previous) || nowMs - this.last.atMs >= this.quietMs;
  }
}
