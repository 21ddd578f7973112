import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ParseIdPipe } from '../../common/parse-id.pipe';
import { ArtifactsService } from '../../artifacts/artifacts.service';
import { RunEventsService } from '../../events/run-events.service';
import { MetricsService } from '../../metrics/metrics.service';
import { parseCreateRun, parseStatus } from '../run-input';
import { RunsService } from '../runs.service';
import {
  ArtifactModel,
  CreateRunInput,
  MetricSeriesModel,
  MetricSummaryModel,
  RunAttemptModel,
  RunEventModel,
  RunListArgs,
  RunModel,
  RunPageModel,
} from './run.models';

/** GraphQL over the same services as the REST controllers. */
@Resolver(() => RunModel)
export class RunsResolver {
  constructor(
    private readonly runService: RunsService,
    private readonly metricService: MetricsService,
    private readonly artifactService: ArtifactsService,
    private readonly events: RunEventsService,
  ) {}

  @Query(() => RunModel)
  run(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<RunModel> {
    return this.runService.get(principal, id);
  }

  @Query(() => RunPageModel)
  runs(@CurrentPrincipal() principal: Principal, @Args() args: RunListArgs): Promise<RunPageModel> {
    return this.runService.list(principal, { status: parseStatus(args.status), tags: args.tags, experimentId: args.experimentId }, { first: args.first, after: args.after });
  }

  @Mutation(() => RunModel)
  createRun(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateRunInput): Promise<RunModel> {
    return this.runService.create(principal, parseCreateRun({ ...input }));
  }

  @Mutation(() => RunModel)
  cancelRun(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<RunModel> {
    return this.runService.cancel(principal, id);
  }

  @Mutation(() => RunModel)
  retryRun(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<RunModel> {
    return this.runService.retry(principal, id);
  }

  @ResolveField(() => [RunAttemptModel], { complexity: 5 })
  attempts(@CurrentPrincipal() principal: Principal, @Parent() run: RunModel): Promise<RunAttemptModel[]> {
    return this.runService.attempts(principal, run.id);
  }

  @ResolveField(() => [MetricSummaryModel], { complexity: 5 })
  metricsSummary(@CurrentPrincipal() principal: Principal, @Parent() run: RunModel): Promise<MetricSummaryModel[]> {
    return this.metricService.summary(principal, run.id);
  }

  @ResolveField(() => [MetricSeriesModel], { complexity: 20 })
  metrics(
    @CurrentPrincipal() principal: Principal,
    @Parent() run: RunModel,
    @Args('keys', { type: () => [String], nullable: true }) keys?: string[],
    @Args('maxPoints', { type: () => Int, nullable: true }) maxPoints?: number,
    @Args('context', { nullable: true, description: 'a JSON object, e.g. {"client":7}' }) context?: string,
  ): Promise<MetricSeriesModel[]> {
    return this.metricService.series(principal, run.id, { keys: keys?.join(','), maxPoints: maxPoints?.toString(), context });
  }

  @ResolveField(() => [ArtifactModel], { complexity: 5 })
  artifacts(@CurrentPrincipal() principal: Principal, @Parent() run: RunModel): Promise<ArtifactModel[]> {
    return this.artifactService.listForRun(principal, run.id);
  }

  /** Replays events after afterId from PostgreSQL, then follows live ones (no gap, no duplicate). */
  @Subscription(() => RunEventModel, { resolve: (event: RunEventModel) => event })
  async runEvents(
    @CurrentPrincipal() principal: Principal,
    @Args('runId', { type: () => ID }, ParseIdPipe) runId: string,
    @Args('afterId', { type: () => ID, nullable: true }) afterId?: string,
  ): Promise<AsyncIterableIterator<unknown>> {
    await this.runService.get(principal, runId);
    return this.events.follow(runId, afterId && /^[0-9]{1,19}$/.test(afterId) ? afterId : '0');
  }
}
