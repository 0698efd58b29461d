import { Format, Presets, SingleBar, type Options, type Params } from 'cli-progress';
import type { RequestStatusResponse } from '../client';
import type { OutputStream } from './cli-io';
import {
  formatBarLabel,
  formatElapsed,
  formatProgressLine,
  ProgressLineThrottle,
  type ProgressSnapshot,
  snapshotOf,
} from './progress-lines';

/** Shows the progress of a request being followed. */
export interface ProgressDisplay {
  show(status: RequestStatusResponse): void;
  /** A call to the service failed and will be made again in `delayMs`. */
  retrying(problem: string, delayMs: number): void;
  /** Leaves the last state on screen and gives the terminal back. */
  stop(): void;
}

/** A live bar on a terminal; plain lines, one per change worth telling, anywhere else. */
export function createProgressDisplay(stream: OutputStream, now = Date.now): ProgressDisplay {
  return stream.isTTY ? new ProgressBar(stream) : new ProgressLines(stream, now);
}

interface BarPayload {
  snapshot: ProgressSnapshot;
  note: string;
}

class ProgressBar implements ProgressDisplay {
  private readonly bar: SingleBar;
  private started = false;
  private snapshot?: ProgressSnapshot;

  constructor(private readonly stream: OutputStream) {
    this.bar = new SingleBar(
      {
        stream,
        format: (options: Options, params: Params, payload: BarPayload) => {
          const state = payload.snapshot.state.padEnd('Processing'.length);
          // cli-progress reports an ETA it cannot estimate yet as a string ('NULL', 'INF').
          const secondsLeft =
            typeof params.eta === 'number' && params.eta > 0 ? params.eta : undefined;
          const label = formatBarLabel(payload.snapshot, secondsLeft);
          return `${state} ${Format.BarFormat(params.progress, options)} ${label}${payload.note}`;
        },
        hideCursor: true,
        barsize: 30,
        etaBuffer: 30,
      },
      Presets.shades_classic,
    );
  }

  show(status: RequestStatusResponse): void {
    const snapshot = snapshotOf(status);
    this.snapshot = snapshot;
    // The bar's scale cannot be 0; an empty request is simply full.
    const total = Math.max(snapshot.total, 1);
    const value = snapshot.total === 0 ? 1 : snapshot.processed;
    const payload: BarPayload = { snapshot, note: '' };
    if (!this.started) {
      this.bar.start(total, value, payload);
      this.started = true;
    } else {
      this.bar.setTotal(total);
      this.bar.update(value, payload);
    }
  }

  retrying(problem: string, delayMs: number): void {
    const retry = `${problem}; trying again in ${Math.ceil(delayMs / 1000)} s`;
    if (this.snapshot) this.bar.update({ snapshot: this.snapshot, note: ` | ${retry}` });
    else this.stream.write(`${retry}\n`);
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}

class ProgressLines implements ProgressDisplay {
  private readonly throttle = new ProgressLineThrottle();
  private readonly startedAt: number;

  constructor(
    private readonly stream: OutputStream,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
  }

  show(status: RequestStatusResponse): void {
    const snapshot = snapshotOf(status);
    const now = this.now();
    if (this.throttle.shouldPrint(snapshot, now)) {
      this.stream.write(`${formatProgressLine(snapshot, now - this.startedAt)}\n`);
    }
  }

  retrying(problem: string, delayMs: number): void {
    const elapsed = formatElapsed(this.now() - this.startedAt);
    this.stream.write(`[${elapsed}] ${problem}; trying again in ${Math.ceil(delayMs / 1000)} s\n`);
  }

  stop(): void {}
}
