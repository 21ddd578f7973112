import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { CreatedApiKeyDto } from '../../auth/dto/api-key.dto';

/** A project as REST and GraphQL show it. */
@ObjectType('Project')
export class ProjectDto {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id: string;

  @ApiProperty()
  @Field()
  name: string;

  @ApiProperty()
  @Field(() => GraphQLISODateTime)
  createdAt: Date;
}

@InputType()
export class CreateProjectInput {
  @ApiProperty({ example: 'vision-team' })
  @Field()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,62}$/, { message: 'a project name of 1-63 lowercase letters, digits, ".", "_" or "-"' })
  name: string;
}

/** A new project and the admin key to manage it (the key secret is shown only here). */
@ObjectType('CreatedProject')
export class CreatedProjectDto {
  @ApiProperty({ type: ProjectDto })
  @Field(() => ProjectDto)
  project: ProjectDto;

  @ApiProperty({ type: CreatedApiKeyDto })
  @Field(() => CreatedApiKeyDto)
  adminKey: CreatedApiKeyDto;
}
