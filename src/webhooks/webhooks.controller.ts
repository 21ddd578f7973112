import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreatedWebhookDto, CreateWebhookInput, WebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOkResponse({ type: [WebhookDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<WebhookDto[]> {
    return this.webhooks.list(principal.projectId);
  }

  @Post()
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  create(@CurrentPrincipal() principal: Principal, @Body() input: CreateWebhookInput): Promise<CreatedWebhookDto> {
    return this.webhooks.create(principal, input);
  }

  @Delete(':id')
  @ApiOkResponse({ type: WebhookDto })
  delete(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<WebhookDto> {
    return this.webhooks.delete(principal, id);
  }
}
