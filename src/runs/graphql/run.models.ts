import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { JsonObjectScalar } from '../../common/graphql-json.scalar';
import type { WireNumber } from '../../metrics/metric-value';
import { MetricNumberScalar } from './metric-number.scalar';

/** GraphQL shapes of the runs API; resolvers map service views onto them. */
@ObjectType('RunProgress')
export class RunProgressModel {
  @Field(() => Float) fraction: number;
  @Field() message: string;
}

@ObjectType('CheckpointRef')
export class CheckpointRefModel {
  @Field(() => ID) artifactId: string;
  @Field(() => Float) step: number;
}

@ObjectType('Run')
export class RunModel {
  @Field(() => ID) id: string;
  @Field(() => ID, { nullable: true }) experimentId: string | null;
  @Field() name: string;
  @Field() kind: string;
  @Field(() => JsonObjectScalar) spec: Record<string, unknown>;
  @Field(() => [String]) tags: string[];
  @Field({ description: 'queued, running, cancelling, succeeded, failed or cancelled' }) status: string;
  @Field(() => String, { nullable: true, description: 'machine-readable reason of a finished run' }) reason: string | null;
  @Field(() => String, { nullable: true }) message: string | null;
  @Field(() => Int) maxAttempts: number;
  @Field(() => Int) attemptCount: number;
  @Field(() => RunProgressModel, { nullable: true }) progress: RunProgressModel | null;
  @Field(() => CheckpointRefModel, { nullable: true }) checkpoint: CheckpointRefModel | null;
  @Field(() => JsonObjectScalar, { nullable: true }) result: Record<string, unknown> | null;
  @Field() createdAt: string;
  @Field() updatedAt: string;
  @Field(() => String, { nullable: true }) startedAt: string | null;
  @Field(() => String, { nullable: true }) endedAt: string | null;
}

@ObjectType('RunPage')
export class RunPageModel {
  @Field(() => [RunModel]) items: RunModel[];
  @Field(() => String, { nullable: true }) nextCursor: string | null;
}

@ObjectType('RunAttempt')
export class RunAttemptModel {
  @Field(() => ID) id: string;
  @Field(() => Int) attemptNumber: number;
  @Field() status: string;
  @Field() workerId: string;
  @Field() hostname: string;
  @Field() device: string;
  @Field(() => Float) fencingToken: number;
  @Field(() => CheckpointRefModel, { nullable: true, description: 'the checkpoint this attempt resumed from' }) resumedFrom: CheckpointRefModel | null;
  @Field(() => String, { nullable: true }) failureReason: string | null;
  @Field(() => String, { nullable: true }) failureMessage: string | null;
  @Field() startedAt: string;
  @Field(() => String, { nullable: true }) endedAt: string | null;
}

@ObjectType('MetricSummary')
export class MetricSummaryModel {
  @Field() key: string;
  @Field(() => JsonObjectScalar) context: Record<string, unknown>;
  @Field(() => Float) count: number;
  @Field(() => MetricNumberScalar) min: WireNumber;
  @Field(() => MetricNumberScalar) max: WireNumber;
  @Field(() => Float) lastStep: number;
  @Field(() => MetricNumberScalar) lastValue: WireNumber;
}

@ObjectType('MetricPoint')
export class MetricPointModel {
  @Field(() => Float, { description: 'first step of the bucket' }) step: number;
  @Field(() => MetricNumberScalar, { description: 'mean of the bucket' }) value: WireNumber;
  @Field(() => MetricNumberScalar) min: WireNumber;
  @Field(() => MetricNumberScalar) max: WireNumber;
  @Field(() => Int) count: number;
}

@ObjectType('MetricSeries')
export class MetricSeriesModel {
  @Field() key: string;
  @Field(() => JsonObjectScalar) context: Record<string, unknown>;
  @Field(() => Float) count: number;
  @Field() downsampled: boolean;
  @Field(() => [MetricPointModel]) points: MetricPointModel[];
}

@ObjectType('Artifact')
export class ArtifactModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() kind: string;
  @Field() sha256: string;
  @Field(() => Float) bytes: number;
  @Field(() => Float, { nullable: true }) step: number | null;
  @Field() createdAt: string;
}

@ObjectType('RunEvent')
export class RunEventModel {
  @Field(() => ID, { description: 'increasing; pass the last one seen as afterId to resume' }) id: string;
  @Field(() => ID) runId: string;
  @Field({ description: 'status, progress, metrics or artifact' }) type: string;
  @Field() at: string;
  @Field(() => JsonObjectScalar) data: Record<string, unknown>;
}

@InputType()
export class CreateRunInput {
  @Field() kind: string;
  @Field(() => JsonObjectScalar, { nullable: true }) spec?: Record<string, unknown>;
  @Field(() => ID, { nullable: true }) experimentId?: string;
  @Field({ nullable: true }) name?: string;
  @Field(() => [String], { nullable: true }) tags?: string[];
  @Field(() => Int, { nullable: true }) maxAttempts?: number;
  @Field(() => Int, { nullable: true }) retryBackoffMs?: number;
}

@ArgsType()
export class RunListArgs {
  @Field({ nullable: true }) status?: string;
  @Field(() => [String], { nullable: true }) tags?: string[];
  @Field(() => ID, { nullable: true }) experimentId?: string;
  @Field(() => Int, { nullable: true }) first?: number;
  @Field({ nullable: true }) after?: string;
}
