import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { NotFoundError } from '../common/errors';
import { ApiKeyEntity } from './api-key.entity';
import { apiKeyMatches, apiKeyPrefix, generateApiKeySecret } from './api-key-secret';
import type { Principal, Role } from './principal';

/** What callers may see of a key: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  projectId: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedApiKey {
  apiKey: ApiKeyView;
  /** Shown once, at creation; only its hash is stored. */
  secret: string;
}

const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly audit: AuditService,
  ) {}

  /** `actor` is who asked (audited); absent for keys made by the CLI and test setup. */
  async create(projectId: string, name: string, role: Role, actor?: Principal): Promise<CreatedApiKey> {
    const secret = generateApiKeySecret();
    const row = await this.keys.save(
      this.keys.create({ projectId, name, role, prefix: secret.prefix, secretHash: secret.hash, lastUsedAt: null, revokedAt: null }),
    );
    if (actor) await this.audit.record(actor, 'api_key.create', 'api_key', row.id, { role, projectId });
    return { apiKey: toApiKeyView(row), secret: secret.key };
  }

  async list(projectId: string): Promise<ApiKeyView[]> {
    const rows = await this.keys.find({ where: { projectId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return rows.map(toApiKeyView);
  }

  async revoke(actor: Principal, id: string): Promise<ApiKeyView> {
    const row = await this.keys.findOneBy({ id, projectId: actor.projectId });
    if (!row) throw new NotFoundError('api key', id);
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: row.revokedAt });
      await this.audit.record(actor, 'api_key.revoke', 'api_key', id);
    }
    return toApiKeyView(row);
  }

  /** The principal of a valid, unrevoked key, or null (the guard answers 401 either way). */
  async authenticate(key: string): Promise<Principal | null> {
    const prefix = apiKeyPrefix(key);
    if (!prefix) return null;
    const row = await this.keys.findOneBy({ prefix });
    if (!row || row.revokedAt || !apiKeyMatches(key, row.secretHash)) return null;
    this.touch(row);
    return { apiKeyId: row.id, projectId: row.projectId, role: row.role };
  }

  /** Coarse last-use stamp: at most one write a minute per key, off the request path. */
  private touch(row: ApiKeyEntity): void {
    const now = Date.now();
    if (row.lastUsedAt && now - row.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    this.keys.update({ id: row.id }, { lastUsedAt: new Date(now) }).catch(() => undefined);
  }
}

export function toApiKeyView(row: ApiKeyEntity): ApiKeyView {
  return {
    id: row.id,
    projectId: row.projectId,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
