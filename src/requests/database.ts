import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runStatement, StatementResult } from './sql-statements';

/** How long background work waits before it tries a busy SQLite database again. */
const BUSY_RETRY_MS = 5;

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

/**
 * The service's one way into its database: every repository runs its statements and its
 * transactions through here, never through TypeORM's DataSource.
 *
 * On PostgreSQL this hands the work straight to TypeORM's connection pool. On SQLite, TypeORM
 * gives every caller in a process the same better-sqlite3 connection and the same query runner.
 * Two transactions that overlap in time would therefore share one `BEGIN`: the second fails with
 * "cannot start a transaction within a transaction", and any statement issued from elsewhere
 * while a transaction is open silently becomes part of it, and is lost if it rolls back.
 *
 * So on SQLite all work takes one mutex: a transaction holds it from `BEGIN` to `COMMIT`, and
 * work outside any transaction takes it for itself. Statements issued inside held work (its own
 * async continuations) enter at once. better-sqlite3 runs each statement synchronously anyway,
 * so this costs a few microtask hops, not parallelism. Another connection per caller is no way
 * out: SQLite would make the second writer busy-wait, synchronously, on the event loop that the
 * first writer needs in order to commit.
 *
 * Work given to `run` or `transaction` should do nothing but database calls: on SQLite, every
 * other caller waits for it.
 */
@Injectable()
export class Database {
  private readonly mutex: ReentrantMutex | null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.mutex = dataSource.options.type === 'better-sqlite3' ? new ReentrantMutex() : null;
  }

  /** Runs `work` outside a transaction: each of its statements commits on its own. */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.serialised(() => work(this.dataSource.manager));
  }

  /** Runs `work` in one transaction, committed when it resolves and rolled back when it throws. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.serialised(() => this.dataSource.transaction(work));
  }

  /** Runs one statement written with `:name` parameters (see `runStatement`). */
  statement<Row = Record<string, unknown>>(
    sql: string,
    parameters: Record<string, unknown>,
  ): Promise<StatementResult<Row>> {
    return this.run((manager) => runStatement<Row>(manager, sql, parameters));
  }

  /**
   * Runs one statement of background work (a deletion's batch) that can wait its turn. On SQLite
   * a statement that finds another process writing would wait for it synchronously, with the
   * event loop held and every request of this process answered late; this one gives up at once
   * instead, and tries again a few milliseconds later with the loop free, for as long as the busy
   * timeout would have waited.
   */
  async backgroundStatement<Row = Record<string, unknown>>(
    sql: string,
    parameters: Record<string, unknown>,
  ): Promise<StatementResult<Row>> {
    if (!this.mutex) return this.statement<Row>(sql, parameters);
    const started = performance.now();
    for (;;) {
      let busyTimeoutMs = 0;
      try {
        return await this.run(async (manager) => {
          const [setting] = await manager.query<{ timeout: number }[]>('PRAGMA busy_timeout');
          busyTimeoutMs = setting.timeout;
          await manager.query('PRAGMA busy_timeout = 0');
          try {
            return await runStatement<Row>(manager, sql, parameters);
          } finally {
            await manager.query(`PRAGMA busy_timeout = ${Number(busyTimeoutMs)}`);
          }
        });
      } catch (error) {
        const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
        if (code !== 'SQLITE_BUSY' || performance.now() - started >= busyTimeoutMs) throw error;
        await sleep(BUSY_RETRY_MS);
      }
    }
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex ? this.mutex.run(work) : work();
  }
}
