import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreatedWebhookDto, CreateWebhookInput, WebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@Roles('admin')
@Resolver(() => WebhookDto)
export class WebhooksResolver {
  constructor(private readonly webhookService: WebhooksService) {}

  @Query(() => [WebhookDto])
  webhooks(@CurrentPrincipal() principal: Principal): Promise<WebhookDto[]> {
    return this.webhookService.list(principal.projectId);
  }

  @Mutation(() => CreatedWebhookDto)
  createWebhook(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateWebhookInput): Promise<CreatedWebhookDto> {
    return this.webhookService.create(principal, input);
  }

  @Mutation(() => WebhookDto)
  deleteWebhook(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<WebhookDto> {
    return this.webhookService.delete(principal, id);
  }
}
