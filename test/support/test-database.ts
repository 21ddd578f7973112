/**
 * A fresh PostgreSQL database per test file.
 *
 *   const db = await createTestDatabase('datasets');   // creates gw_test_datasets_<random>
 *   await db.migrate();                               // all migrations (migrations/*.ts glob)
 *   ... use db.url ...
 *   await db.drop();                                  // in afterAll
 *
 * The server is DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 * Names are unique per call, so test files never share state even when run in parallel.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source';

// pg ships no type declarations; this is the little of its Client we use.
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Client } = require('pg') as { Client: new (options: { connectionString: string }) => PgClient };

export const ADMIN_URL = process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  /** Applies every migration found by the migrations glob, in timestamp order. */
  migrate(): Promise<void>;
  /** A DataSource on this database (initialized); the caller destroys it. */
  connect(): Promise<DataSource>;
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  const name = `gw_test_${safeLabel}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withDatabase(ADMIN_URL, name);
  const connect = async (): Promise<DataSource> => new DataSource(buildDataSourceOptions({ databaseUrl: url })).initialize();
  return {
    name,
    url,
    connect,
    async migrate() {
      const dataSource = await connect();
      try {
        await dataSource.runMigrations({ transaction: 'each' });
      } finally {
        await dataSource.destroy();
      }
    },
    async drop() {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
