import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `insert` in a transaction with the next version number of a parent (dataset or
 * model). The parent row is locked first, so two concurrent uploads get 1 and 2 rather
 * than colliding on the (parent, version) unique key.
 */
export async function withNextVersion<T>(
  dataSource: DataSource,
  target: { parentTable: string; versionTable: string; parentColumn: string; parentId: string },
  insert: (manager: EntityManager, version: number) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await manager.query(`SELECT id FROM ${target.parentTable} WHERE id = $1 FOR UPDATE`, [target.parentId]);
    const rows: Array<{ next: number }> = await manager.query(
      `SELECT COALESCE(MAX(version), 0) + 1 AS next FROM ${target.versionTable} WHERE ${target.parentColumn} = $1`,
      [target.parentId],
    );
    return insert(manager, Number(rows[0].next));
  });
}

/**
 * withNextVersion for a row describing a blob that is already stored: if the insert
 * fails, the blob is deleted too, so a failed registration leaves nothing behind.
 */
export async function insertVersionForBlob<T>(
  dataSource: DataSource,
  blobs: { delete(key: string): Promise<void> },
  blobKey: string,
  target: { parentTable: string; versionTable: string; parentColumn: string; parentId: string },
  insert: (manager: EntityManager, version: number) => Promise<T>,
): Promise<T> {
  try {
    return await withNextVersion(dataSource, target, insert);
  } catch (error) {
    await blobs.delete(blobKey).catch(() => undefined);
    throw error;
  }
}
