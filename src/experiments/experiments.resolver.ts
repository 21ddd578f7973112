import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ListArgs } from '../common/list.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateExperimentInput, ExperimentDto, ExperimentPageDto, UpdateExperimentInput } from './dto/experiment.dto';
import { ExperimentsService } from './experiments.service';

/** The runs module may add fields here (e.g. `runs`) with its own @ResolveField resolver. */
@Resolver(() => ExperimentDto)
export class ExperimentsResolver {
  constructor(private readonly experimentService: ExperimentsService) {}

  @Query(() => ExperimentPageDto)
  experiments(@CurrentPrincipal() principal: Principal, @Args() args: ListArgs): Promise<ExperimentPageDto> {
    return this.experimentService.list(principal.projectId, args);
  }

  @Query(() => ExperimentDto)
  experiment(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ExperimentDto> {
    return this.experimentService.get(principal.projectId, id);
  }

  @Mutation(() => ExperimentDto)
  createExperiment(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateExperimentInput): Promise<ExperimentDto> {
    return this.experimentService.create(principal, input);
  }

  @Mutation(() => ExperimentDto)
  updateExperiment(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }, ParseIdPipe) id: string,
    @Args('input') input: UpdateExperimentInput,
  ): Promise<ExperimentDto> {
    return this.experimentService.update(principal, id, input);
  }
}
