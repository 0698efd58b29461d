/**
 * A counting semaphore: at most `size` holders at once, the others waiting in arrival order.
 * It keeps CPU-bound work to one task per core while many more jobs wait on the network, and
 * bounds how many downloaded bodies are held at once.
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
