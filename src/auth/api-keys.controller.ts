import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CurrentPrincipal, Roles } from './auth.decorators';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyDto, CreateApiKeyInput, CreatedApiKeyDto } from './dto/api-key.dto';
import type { Principal } from './principal';

@ApiTags('api-keys')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return this.keys.list(principal.projectId);
  }

  /** The answer holds the secret; it cannot be read again. */
  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@CurrentPrincipal() principal: Principal, @Body() input: CreateApiKeyInput): Promise<CreatedApiKeyDto> {
    return this.keys.create(principal.projectId, input.name, input.role, principal);
  }

  @Delete(':id')
  @ApiOkResponse({ type: ApiKeyDto })
  revoke(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<ApiKeyDto> {
    return this.keys.revoke(principal, id);
  }
}
