import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { RoleEnum } from '../../common/graphql-scalars';
import { ROLES, Role } from '../principal';

/** An API key without its secret. */
@ObjectType('ApiKey')
export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id: string;

  @ApiProperty()
  @Field()
  name: string;

  @ApiProperty({ enum: ROLES })
  @Field(() => RoleEnum)
  role: Role;

  @ApiProperty({ description: 'the non-secret part of the key, to recognise it' })
  @Field()
  prefix: string;

  @ApiProperty()
  @Field(() => GraphQLISODateTime)
  createdAt: Date;

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => GraphQLISODateTime, { nullable: true })
  lastUsedAt: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => GraphQLISODateTime, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyDto {
  @ApiProperty({ type: ApiKeyDto })
  @Field(() => ApiKeyDto)
  apiKey: ApiKeyDto;

  @ApiProperty({ description: 'the full key: shown once, only its hash is stored' })
  @Field()
  secret: string;
}

@InputType()
export class CreateApiKeyInput {
  @ApiProperty({ example: 'ci pipeline' })
  @Field()
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: ROLES })
  @Field(() => RoleEnum)
  @IsIn(ROLES as unknown as string[], { message: `one of ${ROLES.join(', ')}` })
  role: Role;
}
