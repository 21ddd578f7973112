import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Core schema: tenants, keys and the registries (datasets, models, experiments), plus
 * webhooks and the audit trail. Every row carries project_id so each query can be
 * scoped by the caller's project; lists page by (created_at, id).
 */
export class CoreSchema1764000000000 implements MigrationInterface {
  name = 'CoreSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE projects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin', 'worker')),
        prefix text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_project_idx ON api_keys (project_id, created_at DESC, id DESC)`);

    // The three registries share one shape: named, described, tagged, archivable.
    for (const table of ['datasets', 'models', 'experiments']) {
      await q.query(`
        CREATE TABLE ${table} (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
          name text NOT NULL,
          description text NOT NULL DEFAULT '',
          tags text[] NOT NULL DEFAULT '{}',
          status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
          created_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (project_id, name)
        )`);
      await q.query(`CREATE INDEX ${table}_page_idx ON ${table} (project_id, created_at DESC, id DESC)`);
      await q.query(`CREATE INDEX ${table}_tags_idx ON ${table} USING gin (tags)`);
    }

    await q.query(`
      CREATE TABLE dataset_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        dataset_id uuid NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        format text NOT NULL CHECK (format IN ('csv', 'jsonl', 'text', 'npz', 'tar')),
        blob_key text NOT NULL,
        sha256 char(64) NOT NULL,
        bytes bigint NOT NULL CHECK (bytes >= 0),
        stats jsonb NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'ready',
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (dataset_id, version)
      )`);
    await q.query(`CREATE INDEX dataset_versions_page_idx ON dataset_versions (dataset_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE model_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        format text NOT NULL,
        blob_key text,
        artifact_id uuid,
        sha256 char(64),
        bytes bigint CHECK (bytes >= 0),
        parent_version_id uuid REFERENCES model_versions(id) ON DELETE RESTRICT,
        derivation jsonb NOT NULL DEFAULT '{}',
        architecture jsonb NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'ready',
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (model_id, version),
        CHECK (blob_key IS NOT NULL OR artifact_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX model_versions_page_idx ON model_versions (model_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX model_versions_parent_idx ON model_versions (parent_version_id)`);

    await q.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        url text NOT NULL,
        events text[] NOT NULL DEFAULT '{}',
        secret_hash text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhooks_project_idx ON webhooks (project_id)`);

    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        api_key_id uuid REFERENCES api_keys(id) ON DELETE SET NULL,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id uuid,
        details jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_events_project_idx ON audit_events (project_id, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_events', 'webhooks', 'experiments', 'model_versions', 'models', 'dataset_versions', 'datasets', 'api_keys', 'projects']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
