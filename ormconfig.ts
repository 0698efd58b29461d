import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/config';
import { loadEnvFiles } from './src/config/env-files';
import { buildDataSourceOptions } from './src/database/data-source-options';

loadEnvFiles();

/** Data source for the TypeORM CLI (`npm run migration:run`, `npm run migration:generate`). */
export default new DataSource({
  ...buildDataSourceOptions(loadConfig(process.env).database),
  migrationsRun: false,
});
