import 'dotenv/config';
import { DataSource } from 'typeorm';
import { databaseConfig } from './src/config/configuration';
import { buildDataSourceOptions } from './src/database/data-source-options';

/** Data source for the TypeORM CLI (`npm run migration:run`, `npm run migration:generate`). */
export default new DataSource({
  ...buildDataSourceOptions(databaseConfig()),
  migrationsRun: false,
});
