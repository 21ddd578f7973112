import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ListArgs, PageArgsDto } from '../common/list.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateModelInput, ModelDto, ModelPageDto, ModelVersionDto, ModelVersionPageDto, UpdateModelInput } from './dto/model.dto';
import { ModelVersionsService } from './model-versions.service';
import { ModelsService } from './models.service';

@Resolver(() => ModelDto)
export class ModelsResolver {
  constructor(private readonly modelService: ModelsService, private readonly versionService: ModelVersionsService) {}

  @Query(() => ModelPageDto)
  models(@CurrentPrincipal() principal: Principal, @Args() args: ListArgs): Promise<ModelPageDto> {
    return this.modelService.list(principal.projectId, args);
  }

  @Query(() => ModelDto)
  model(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ModelDto> {
    return this.modelService.get(principal.projectId, id);
  }

  @Mutation(() => ModelDto)
  createModel(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateModelInput): Promise<ModelDto> {
    return this.modelService.create(principal, input);
  }

  @Mutation(() => ModelDto)
  updateModel(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }, ParseIdPipe) id: string,
    @Args('input') input: UpdateModelInput,
  ): Promise<ModelDto> {
    return this.modelService.update(principal, id, input);
  }

  @ResolveField(() => ModelVersionPageDto, { complexity: 10 })
  versions(@CurrentPrincipal() principal: Principal, @Parent() model: ModelDto, @Args() args: PageArgsDto): Promise<ModelVersionPageDto> {
    return this.versionService.list(principal.projectId, model.id, args);
  }
}

@Resolver(() => ModelVersionDto)
export class ModelVersionsResolver {
  constructor(private readonly versionService: ModelVersionsService) {}

  @Query(() => ModelVersionDto)
  modelVersion(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ModelVersionDto> {
    return this.versionService.get(principal.projectId, id);
  }

  /** Ancestors of this version, nearest first (parent, grandparent, ...). */
  @ResolveField(() => [ModelVersionDto], { complexity: 10 })
  lineage(@CurrentPrincipal() principal: Principal, @Parent() version: ModelVersionDto): Promise<ModelVersionDto[]> {
    return this.versionService.lineage(principal.projectId, version.id);
  }
}
