import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JsonObjectScalar } from '../../common/graphql-json.scalar';
import { CreateRegistryItemInput, PageOf, RegistryItemDto, UpdateRegistryItemInput } from '../../common/registry.dto';
import { ModelVersionEntity } from '../model-version.entity';

@ObjectType('Model')
export class ModelDto extends RegistryItemDto {}

@InputType()
export class CreateModelInput extends CreateRegistryItemInput {}

@InputType()
export class UpdateModelInput extends UpdateRegistryItemInput {}

@ObjectType('ModelVersion')
export class ModelVersionDto {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id: string;

  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  modelId: string;

  @ApiProperty()
  @Field(() => Int)
  version: number;

  @ApiProperty({ example: 'hf-tar' })
  @Field()
  format: string;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  sha256: string | null;

  @ApiProperty({ nullable: true, type: Number })
  @Field(() => Number, { nullable: true })
  bytes: number | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'the run artifact holding the weights, if any' })
  @Field(() => ID, { nullable: true })
  artifactId: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  @Field(() => ID, { nullable: true })
  parentVersionId: string | null;

  @ApiProperty({ type: Object, description: 'how this version was derived from its parent' })
  @Field(() => JsonObjectScalar)
  derivation: Record<string, unknown>;

  @ApiProperty({ type: Object })
  @Field(() => JsonObjectScalar)
  architecture: Record<string, unknown>;

  @ApiProperty()
  @Field()
  status: string;

  @ApiProperty()
  @Field(() => GraphQLISODateTime)
  createdAt: Date;
}

export function toModelVersionDto(row: ModelVersionEntity): ModelVersionDto {
  return {
    id: row.id,
    modelId: row.modelId,
    version: row.version,
    format: row.format,
    sha256: row.sha256 === null ? null : row.sha256.trim(),
    bytes: row.bytes,
    artifactId: row.artifactId,
    parentVersionId: row.parentVersionId,
    derivation: row.derivation,
    architecture: row.architecture,
    status: row.status,
    createdAt: row.createdAt,
  };
}

@ObjectType('ModelPage')
export class ModelPageDto extends PageOf(ModelDto) {}

@ObjectType('ModelVersionPage')
export class ModelVersionPageDto extends PageOf(ModelVersionDto) {}
