import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseConfig } from '../config/config';
import { buildDataSourceOptions } from './data-source-options';
import { serialiseSqliteAccess } from './serialised-sqlite';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [DatabaseConfig],
      useFactory: (config: DatabaseConfig) => buildDataSourceOptions(config),
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('No database options');
        const dataSource = new DataSource(options);
        serialiseSqliteAccess(dataSource);
        return dataSource.initialize();
      },
    }),
  ],
})
export class DatabaseModule {}
