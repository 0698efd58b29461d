/**
 * Lets a walk over untrusted bytes run on the main thread without holding it: the walk counts
 * its steps, reads the clock every few thousand of them, and when its slice of time is spent it
 * awaits `pause()`, which lets timers, sockets and other requests run before it goes on.
 *
 * A step is a chunk, box, segment, block or byte: each costs well under a microsecond, so a few
 * thousand of them stay far below the slice, and the clock is read too rarely to cost anything.
 * Nothing is allocated per step; a promise is made only at each pause.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Long enough that pauses cost nothing next to the walk, far below a noticeable stall. */
const SLICE_MS = 10;
const STEPS_BETWEEN_CLOCK_READS = 1024;

export class EventLoopSlice {
  private steps = 0;
  private sliceStart = performance.now();

  /** Counts one step; true when the slice is spent and the walk must `await pause()`. */
  due(): boolean {
    if (++this.steps < STEPS_BETWEEN_CLOCK_READS) return false;
    this.steps = 0;
    return performance.now() - this.sliceStart >= SLICE_MS;
  }

  /** Lets the event loop run, then starts a new slice. */
  async pause(): Promise<void> {
    await nextTurn();
    this.sliceStart = performance.now();
  }
}
