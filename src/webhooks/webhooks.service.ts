import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { NotFoundError } from '../common/errors';
import { CreatedWebhookDto, CreateWebhookInput, toWebhookDto, WebhookDto } from './dto/webhook.dto';
import { WebhookEntity } from './webhook.entity';

/** Webhook registrations (admin). Delivery belongs to whoever emits the events. */
@Injectable()
export class WebhooksService {
  constructor(@InjectRepository(WebhookEntity) private readonly webhooks: Repository<WebhookEntity>, private readonly audit: AuditService) {}

  async create(principal: Principal, input: CreateWebhookInput): Promise<CreatedWebhookDto> {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const row = await this.webhooks.save(
      this.webhooks.create({
        projectId: principal.projectId,
        url: input.url,
        events: [...new Set(input.events)],
        secretHash: createHash('sha256').update(secret).digest('hex'),
      }),
    );
    await this.audit.record(principal, 'webhook.create', 'webhook', row.id, { url: row.url, events: row.events });
    return { webhook: toWebhookDto(row), secret };
  }

  async list(projectId: string): Promise<WebhookDto[]> {
    const rows = await this.webhooks.find({ where: { projectId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return rows.map(toWebhookDto);
  }

  async delete(principal: Principal, id: string): Promise<WebhookDto> {
    const row = await this.webhooks.findOneBy({ id, projectId: principal.projectId });
    if (!row) throw new NotFoundError('webhook', id);
    await this.webhooks.delete({ id, projectId: principal.projectId });
    await this.audit.record(principal, 'webhook.delete', 'webhook', id, { url: row.url });
    return toWebhookDto(row);
  }

  /** Active webhooks of a project subscribed to `event` (exact name or a `prefix.*` pattern). */
  async subscribers(projectId: string, event: string): Promise<WebhookEntity[]> {
    const rows = await this.webhooks.findBy({ projectId, active: true });
    return rows.filter((row) => row.events.some((pattern) => eventMatches(pattern, event)));
  }
}

export function eventMatches(pattern: string, event: string): boolean {
  if (pattern === event) return true;
  return pattern.endsWith('.*') && event.startsWith(pattern.slice(0, -1));
}
