import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Any fixed number, the same in every process: the key of the migrations' advisory lock. */
const MIGRATIONS_LOCK_KEY = 7_294_113_502;

/**
 * Runs the pending migrations, one process at a time. TypeORM takes no lock of its own, so
 * replicas starting together on PostgreSQL would each run them; a session advisory lock makes
 * the others wait, and then find nothing left to run. SQLite serves processes of one machine,
 * whose writers its own file lock already queues.
 */
export async function runMigrationsSerially(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await runPending(dataSource);
    return;
  }
  const session = dataSource.createQueryRunner();
  await session.connect();
  try {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK_KEY]);
    try {
      await runPending(dataSource);
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK_KEY]);
    }
  } finally {
    await session.release();
  }
}

async function runPending(dataSource: DataSource): Promise<void> {
  const ran = await dataSource.runMigrations();
  if (ran.length > 0) {
    Logger.log(`Ran ${ran.length} migrations: ${ran.map((m) => m.name).join(', ')}`, 'Database');
  }
}
