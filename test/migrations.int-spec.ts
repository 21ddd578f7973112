import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * Every migration under migrations/ (the glob, so new ones join automatically) goes up
 * from an empty database, all the way down, and up again: down() must really undo up().
 */
describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('migrations');
    dataSource = await db.connect();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const userTables = async (): Promise<string[]> =>
    (
      await dataSource.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations' ORDER BY table_name`,
      )
    ).map((row: { table_name: string }) => row.table_name);

  it('go up, all the way down, and up again', async () => {
    const total = dataSource.migrations.length;
    expect(total).toBeGreaterThanOrEqual(1);

    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(total);
    const tablesAfterUp = await userTables();
    expect(tablesAfterUp).toEqual(expect.arrayContaining(['projects', 'api_keys', 'datasets', 'dataset_versions', 'models', 'model_versions', 'experiments', 'webhooks', 'audit_events']));

    for (let i = 0; i < total; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await userTables()).toEqual([]);

    const again = await dataSource.runMigrations({ transaction: 'each' });
    expect(again).toHaveLength(total);
    expect(await userTables()).toEqual(tablesAfterUp);
  });
});
