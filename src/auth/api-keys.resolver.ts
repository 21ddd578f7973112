import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CurrentPrincipal, Roles } from './auth.decorators';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyDto, CreateApiKeyInput, CreatedApiKeyDto } from './dto/api-key.dto';
import type { Principal } from './principal';

@Roles('admin')
@Resolver(() => ApiKeyDto)
export class ApiKeysResolver {
  constructor(private readonly keys: ApiKeysService) {}

  @Query(() => [ApiKeyDto])
  apiKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return this.keys.list(principal.projectId);
  }

  @Mutation(() => CreatedApiKeyDto)
  createApiKey(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateApiKeyInput): Promise<CreatedApiKeyDto> {
    return this.keys.create(principal.projectId, input.name, input.role, principal);
  }

  @Mutation(() => ApiKeyDto)
  revokeApiKey(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ApiKeyDto> {
    return this.keys.revoke(principal, id);
  }
}
