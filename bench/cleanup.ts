/** Undo actions, run last-in first-out, once, whether the run ends well, fails or is stopped. */
interface CleanupAction {
  name: string;
  run: () => Promise<unknown> | void;
  /** Synchronous fallback for a process 'exit' handler. */
  onExit?: () => void;
}

const ACTION_TIMEOUT_MS = 60_000;

export class Cleanup {
  private readonly actions: CleanupAction[] = [];

  constructor(private readonly log: (message: string) => void) {}

  /** Registers an action; the returned function runs it now instead of at the end. */
  add(name: string, run: () => Promise<unknown> | void, onExit?: () => void): () => Promise<void> {
    const action: CleanupAction = { name, run, onExit };
    this.actions.push(action);
    return () => this.runOne(action);
  }

  async runAll(): Promise<void> {
    for (let action = this.actions.at(-1); action; action = this.actions.at(-1)) {
      await this.runOne(action);
    }
  }

  /** Last resort in a process 'exit' handler: synchronous only. */
  runOnExit(): void {
    for (const action of this.actions) {
      try {
        action.onExit?.();
      } catch {
        // Nothing more can be done while exiting.
      }
    }
  }

  private async runOne(action: CleanupAction): Promise<void> {
    const index = this.actions.indexOf(action);
    if (index === -1) return;
    this.actions.splice(index, 1);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        action.run(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('took over 60 s')), ACTION_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      this.log(`cleanup "${action.name}" failed: ${String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
