import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseConfig } from '../config/config';
import { Database } from '../requests/database';
import { buildDataSourceOptions } from './data-source-options';
import { openDatabase } from './open-database';

/** The database, reached through the one `Database` of the process. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [DatabaseConfig],
      useFactory: (config: DatabaseConfig) => buildDataSourceOptions(config),
      dataSourceFactory: (options) => {
        if (!options) throw new Error('No database options');
        return openDatabase(options);
      },
    }),
  ],
  providers: [Database],
  exports: [Database],
})
export class DatabaseModule {}
