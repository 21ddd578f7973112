import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BuiltinDatasetsService } from './builtin-datasets.service';
import { BuiltinDatasetsController } from './builtin/builtin-datasets.controller';
import { BuiltinDatasetsResolver } from './builtin/builtin-datasets.resolver';
import { MNIST_BUILTIN } from './builtin/mnist.builtin';
import { DatasetEntity } from './dataset.entity';
import { DatasetVersionEntity } from './dataset-version.entity';
import { DatasetVersionsController } from './dataset-versions.controller';
import { DatasetVersionsService } from './dataset-versions.service';
import { DatasetsController } from './datasets.controller';
import { DatasetsResolver } from './datasets.resolver';
import { DatasetsService } from './datasets.service';

@Module({
  imports: [TypeOrmModule.forFeature([DatasetEntity, DatasetVersionEntity])],
  controllers: [DatasetsController, DatasetVersionsController, BuiltinDatasetsController],
  providers: [DatasetsService, DatasetVersionsService, BuiltinDatasetsService, DatasetsResolver, BuiltinDatasetsResolver],
  exports: [DatasetsService, DatasetVersionsService, BuiltinDatasetsService],
})
export class DatasetsModule implements OnModuleInit {
  constructor(private readonly builtins: BuiltinDatasetsService) {}

  onModuleInit(): void {
    this.builtins.register(MNIST_BUILTIN);
  }
}
