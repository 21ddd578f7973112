import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/app-config';
import { buildDataSourceOptions } from '../database/data-source';

/**
 * `node dist/src/cli/migrate.js up|down` (npm run migrate / migrate:down, after a build).
 * `up` applies every pending migration; `down` reverts the latest one.
 */
async function main(direction: string | undefined): Promise<void> {
  if (direction !== 'up' && direction !== 'down') throw new Error('usage: migrate up|down');
  const dataSource = new DataSource(buildDataSourceOptions(loadAppConfig()));
  await dataSource.initialize();
  try {
    if (direction === 'up') {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      console.log(applied.length === 0 ? 'no pending migrations' : applied.map((m) => `applied ${m.name}`).join('\n'));
    } else {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('reverted the latest migration');
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
