import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ListArgs, PageArgsDto } from '../common/list.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { DatasetVersionsService } from './dataset-versions.service';
import { DatasetsService } from './datasets.service';
import {
  CreateDatasetInput,
  DatasetDto,
  DatasetPageDto,
  DatasetVersionDto,
  DatasetVersionPageDto,
  UpdateDatasetInput,
} from './dto/dataset.dto';

/** GraphQL over the same services as DatasetsController (uploads are REST only). */
@Resolver(() => DatasetDto)
export class DatasetsResolver {
  constructor(private readonly datasetService: DatasetsService, private readonly versionService: DatasetVersionsService) {}

  @Query(() => DatasetPageDto)
  datasets(@CurrentPrincipal() principal: Principal, @Args() args: ListArgs): Promise<DatasetPageDto> {
    return this.datasetService.list(principal.projectId, args);
  }

  @Query(() => DatasetDto)
  dataset(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<DatasetDto> {
    return this.datasetService.get(principal.projectId, id);
  }

  @Query(() => DatasetVersionDto)
  datasetVersion(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<DatasetVersionDto> {
    return this.versionService.get(principal.projectId, id);
  }

  @Mutation(() => DatasetDto)
  createDataset(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateDatasetInput): Promise<DatasetDto> {
    return this.datasetService.create(principal, input);
  }

  @Mutation(() => DatasetDto)
  updateDataset(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }, ParseIdPipe) id: string,
    @Args('input') input: UpdateDatasetInput,
  ): Promise<DatasetDto> {
    return this.datasetService.update(principal, id, input);
  }

  @ResolveField(() => DatasetVersionPageDto, { complexity: 10 })
  versions(@CurrentPrincipal() principal: Principal, @Parent() dataset: DatasetDto, @Args() args: PageArgsDto): Promise<DatasetVersionPageDto> {
    return this.versionService.list(principal.projectId, dataset.id, args);
  }
}
