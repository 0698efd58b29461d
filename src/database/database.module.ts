import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseConfig } from '../config/config';
import { buildDataSourceOptions } from './data-source-options';
import { openDatabase } from './open-database';

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
})
export class DatabaseModule {}
