import { DataSource, DataSourceOptions } from 'typeorm';
import { runMigrationsSerially } from './serialised-migrations';

/**
 * Connects, then runs the pending migrations if the options say so, one process at a time
 * (`runMigrationsSerially`) rather than as TypeORM would, in every process at once.
 */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource({ ...options, migrationsRun: false });
  await dataSource.initialize();
  if (options.migrationsRun) await runMigrationsSerially(dataSource);
  return dataSource;
}
