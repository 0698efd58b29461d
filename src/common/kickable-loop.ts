import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs a task every `intervalMs`, and at once when kicked, never two runs at a time: a kick
 * during a run asks for another run right after it. A run that fails is logged and the loop
 * goes on.
 */
export class KickableLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Whether `stop` was called: a long run checks it between its steps. */
  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.schedule(0);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** No run starts after this; the one under way, if any, goes on. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Waits for the run under way, at most `waitMs`; one stuck on an unreachable Redis is left. */
  async settle(waitMs: number): Promise<void> {
    await Promise.race([this.running, sleep(waitMs, undefined, { ref: false })]);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), delayMs);
    this.timer.unref();
  }

  private run(): void {
    if (this.stopped || this.running) return;
    this.running = this.task()
      .catch((error: unknown) => this.logger.warn(`Run failed: ${String(error)}`))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.intervalMs);
      });
  }
}
