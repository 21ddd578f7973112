import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * TypeORM options shared by the app, the migrate command and the tests.
 * Globs are resolved from this file's folder so they match `src/` under jest (ts files)
 * and `dist/src/` after a build (js files) alike. Migrations are the only way the schema
 * changes: synchronize and migrationsRun stay off.
 */
const SOURCE_ROOT = join(__dirname, '..');
const PROJECT_ROOT = join(SOURCE_ROOT, '..');

export const ENTITIES_GLOB = join(SOURCE_ROOT, '**', '*.entity.{ts,js}');
export const MIGRATIONS_GLOB = join(PROJECT_ROOT, 'migrations', '*.{ts,js}');

export function buildDataSourceOptions(config: Pick<AppConfig, 'databaseUrl'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities: [ENTITIES_GLOB],
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    extra: { max: 10 },
  };
}
