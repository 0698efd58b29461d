import { Config, loadConfig } from './config/config';
import { loadEnvFiles } from './config/env-files';
import { ConfigurationError } from './config/environment';
import { limitHeapGrowth, migrateDatabase, sizeThreadPool, startService } from './start-service';

function configFromEnvironment(): Config {
  loadEnvFiles();
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

const config = configFromEnvironment();
if (config.app.mode === 'migrate') {
  migrateDatabase(config).catch((error: unknown) => {
    process.stderr.write(`Migrations failed: ${String(error)}\n`);
    process.exit(1);
  });
} else {
  sizeThreadPool(config);
  limitHeapGrowth(config);
  void startService(config);
}
