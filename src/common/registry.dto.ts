import { Type } from '@nestjs/common';
import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { REGISTRY_STATUSES, RegistryEntityBase, RegistryStatus } from './registry-entity.base';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const TAG = /^[A-Za-z0-9][A-Za-z0-9._:=-]*$/;

/** Fields common to datasets, models and experiments as the APIs show them. */
@ObjectType({ isAbstract: true })
export abstract class RegistryItemDto {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id: string;

  @ApiProperty()
  @Field()
  name: string;

  @ApiProperty()
  @Field()
  description: string;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  tags: string[];

  @ApiProperty({ enum: REGISTRY_STATUSES })
  @Field(() => String)
  status: RegistryStatus;

  @ApiProperty()
  @Field(() => GraphQLISODateTime)
  createdAt: Date;
}

export function toRegistryItem(row: RegistryEntityBase): RegistryItemDto {
  return { id: row.id, name: row.name, description: row.description, tags: row.tags, status: row.status, createdAt: row.createdAt };
}

/** The optional, changeable fields: shared by create and update inputs. */
@InputType({ isAbstract: true })
abstract class RegistryDetailsInput {
  @ApiPropertyOptional()
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @ApiPropertyOptional({ type: [String] })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(TAG, { each: true, message: 'tags of letters, digits, ".", "_", ":", "=" or "-"' })
  tags?: string[];
}

@InputType({ isAbstract: true })
export abstract class CreateRegistryItemInput extends RegistryDetailsInput {
  @ApiProperty({ example: 'my-item' })
  @Field()
  @IsString()
  @Length(1, 100)
  @Matches(NAME, { message: 'a name of letters, digits, ".", "_" or "-", starting with a letter or digit' })
  name: string;
}

@InputType({ isAbstract: true })
export abstract class UpdateRegistryItemInput extends RegistryDetailsInput {
  @ApiPropertyOptional({ enum: REGISTRY_STATUSES })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIn(REGISTRY_STATUSES as unknown as string[], { message: 'one of active, archived' })
  status?: RegistryStatus;
}

/**
 * `{items, nextCursor}` page base for GraphQL and OpenAPI. Extend it once per item type
 * and decorate the subclass: `@ObjectType('DatasetPage') class DatasetPageDto extends PageOf(DatasetDto) {}`.
 */
export function PageOf<T>(item: Type<T>) {
  @ObjectType({ isAbstract: true })
  abstract class PageType {
    @ApiProperty({ type: [item] })
    @Field(() => [item])
    items: T[];

    @ApiProperty({ nullable: true, type: String })
    @Field(() => String, { nullable: true })
    nextCursor: string | null;
  }
  return PageType;
}
