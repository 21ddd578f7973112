import { ArgsType, Field, Int } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from './pagination';

/** Paging of every list, as REST query parameters and GraphQL arguments. */
@ArgsType()
export class PageArgsDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: `an integer between 1 and ${MAX_PAGE_SIZE}` })
  @Min(1, { message: `an integer between 1 and ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `an integer between 1 and ${MAX_PAGE_SIZE}` })
  first?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  after?: string;

}

/** Paging plus the registry filters (status, tags). */
@ArgsType()
export class ListArgs extends PageArgsDto {
  @ApiPropertyOptional({ enum: ['active', 'archived'] })
  @Field({ nullable: true })
  @IsOptional()
  @IsIn(['active', 'archived'], { message: 'one of active, archived' })
  status?: string;

  @ApiPropertyOptional({ type: [String], description: 'items having all these tags (REST: comma-separated or repeated)' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter((tag) => tag !== '') : value))
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  tags?: string[];
}
