import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JsonObjectScalar } from '../../common/graphql-json.scalar';
import { CreateRegistryItemInput, PageOf, RegistryItemDto, UpdateRegistryItemInput } from '../../common/registry.dto';
import { DATASET_FORMATS, DatasetFormat, DatasetVersionEntity } from '../dataset-version.entity';

@ObjectType('Dataset')
export class DatasetDto extends RegistryItemDto {}

@InputType()
export class CreateDatasetInput extends CreateRegistryItemInput {}

@InputType()
export class UpdateDatasetInput extends UpdateRegistryItemInput {}

@ObjectType('DatasetVersion')
export class DatasetVersionDto {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id: string;

  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  datasetId: string;

  @ApiProperty()
  @Field(() => Int)
  version: number;

  @ApiProperty({ enum: DATASET_FORMATS })
  @Field(() => String)
  format: DatasetFormat;

  @ApiProperty()
  @Field()
  sha256: string;

  @ApiProperty()
  @Field(() => Number)
  bytes: number;

  @ApiProperty({ type: Object })
  @Field(() => JsonObjectScalar)
  stats: Record<string, unknown>;

  @ApiProperty()
  @Field()
  status: string;

  @ApiProperty()
  @Field(() => GraphQLISODateTime)
  createdAt: Date;
}

export function toDatasetVersionDto(row: DatasetVersionEntity): DatasetVersionDto {
  return {
    id: row.id,
    datasetId: row.datasetId,
    version: row.version,
    format: row.format,
    sha256: row.sha256,
    bytes: row.bytes,
    stats: row.stats,
    status: row.status,
    createdAt: row.createdAt,
  };
}

@ObjectType('DatasetPage')
export class DatasetPageDto extends PageOf(DatasetDto) {}

@ObjectType('DatasetVersionPage')
export class DatasetVersionPageDto extends PageOf(DatasetVersionDto) {}
