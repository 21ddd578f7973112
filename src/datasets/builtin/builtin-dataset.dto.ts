import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { DatasetDto, DatasetVersionDto } from '../dto/dataset.dto';

@ObjectType('BuiltinDataset')
export class BuiltinDatasetDto {
  @ApiProperty({ type: DatasetDto })
  @Field(() => DatasetDto)
  dataset: DatasetDto;

  @ApiProperty({ type: DatasetVersionDto })
  @Field(() => DatasetVersionDto)
  version: DatasetVersionDto;
}
