import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BuiltinDatasetsService } from './builtin-datasets.service';
import { DatasetEntity } from './dataset.entity';
import { DatasetVersionEntity } from './dataset-version.entity';
import { DatasetVersionsController } from './dataset-versions.controller';
import { DatasetVersionsService } from './dataset-versions.service';
import { DatasetsController } from './datasets.controller';
import { DatasetsResolver } from './datasets.resolver';
import { DatasetsService } from './datasets.service';

@Module({
  imports: [TypeOrmModule.forFeature([DatasetEntity, DatasetVersionEntity])],
  controllers: [DatasetsController, DatasetVersionsController],
  providers: [DatasetsService, DatasetVersionsService, BuiltinDatasetsService, DatasetsResolver],
  exports: [DatasetsService, DatasetVersionsService, BuiltinDatasetsService],
})
export class DatasetsModule {}
