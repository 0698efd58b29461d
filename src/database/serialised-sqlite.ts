import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * A FIFO mutex that the holder's own async continuations may enter again, so that every query
 * inside a held section runs at once while everyone else waits their turn.
 */
export class ReentrantMutex {
  private readonly holder = new AsyncLocalStorage<object>();
  private current: object | null = null;
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const token = this.holder.getStore();
    if (token !== undefined && token === this.current) return work();
    const ticket = {};
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    return previous
      .then(() => {
        this.current = ticket;
        return this.holder.run(ticket, work);
      })
      .finally(() => {
        this.current = null;
        release();
      });
  }
}

/** EntityManager methods that open a transaction on the shared connection when none is open. */
const TRANSACTIONAL_METHODS = ['transaction', 'save', 'remove', 'softRemove', 'recover'] as const;

/**
 * TypeORM gives every caller in a process the same better-sqlite3 connection and the same query
 * runner. Two transactions that overlap in time would therefore share one `BEGIN`: the second
 * fails with "cannot start a transaction within a transaction", and any statement issued from
 * elsewhere while a transaction is open silently becomes part of it, and is lost if it rolls
 * back.
 *
 * So all access to the embedded database goes through one mutex: a transaction holds it from
 * `BEGIN` to `COMMIT`, and a statement outside any transaction takes it for itself. Statements
 * issued inside a transaction (its own async continuations) enter at once. better-sqlite3 runs
 * each statement synchronously anyway, so this costs a few microtask hops, not parallelism.
 * Another connection per caller is no way out: SQLite would make the second writer busy-wait,
 * synchronously, on the event loop that the first writer needs in order to commit.
 */
export function serialiseSqliteAccess(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const mutex = new ReentrantMutex();
  serialiseManager(dataSource.manager, mutex);

  // Every query runner is the driver's one runner, handed out with a fresh manager each time.
  const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
  const serialised = new WeakSet<QueryRunner>();
  dataSource.createQueryRunner = (mode) => {
    const runner = createQueryRunner(mode);
    if (!serialised.has(runner)) {
      serialised.add(runner);
      const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
      runner.query = ((...args: unknown[]) =>
        mutex.run(() => query(...args))) as QueryRunner['query'];
    }
    serialiseManager(runner.manager, mutex);
    return runner;
  };
}

function serialiseManager(manager: EntityManager, mutex: ReentrantMutex): void {
  const methods = manager as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of TRANSACTIONAL_METHODS) {
    const original = methods[method].bind(manager);
    methods[method] = (...args: unknown[]) =>
      mutex.run(() => original(...args) as Promise<unknown>);
  }
}
