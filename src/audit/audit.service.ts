import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { Principal } from '../auth/principal';
import { AuditEventEntity } from './audit-event.entity';

/**
 * Records changes made through the API. Pass the transaction's EntityManager when the
 * change is transactional, so the audit row commits (or rolls back) with it.
 */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {}

  async record(
    principal: Principal,
    action: string,
    entity: string,
    entityId: string | null,
    details: Record<string, unknown> = {},
    manager?: EntityManager,
  ): Promise<void> {
    const repository = manager ? manager.getRepository(AuditEventEntity) : this.events;
    await repository.save(repository.create({ projectId: principal.projectId, apiKeyId: principal.apiKeyId, action, entity, entityId, details }));
  }
}
