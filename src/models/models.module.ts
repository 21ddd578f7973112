import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelVersionEntity } from './model-version.entity';
import { ModelVersionsController } from './model-versions.controller';
import { ModelVersionsService } from './model-versions.service';
import { ModelEntity } from './model.entity';
import { ModelsController } from './models.controller';
import { ModelsResolver, ModelVersionsResolver } from './models.resolver';
import { ModelsService } from './models.service';

/**
 * Exports ModelVersionsService for the ingestion API (`registerModelVersion`). To let
 * it register from an artifact id alone, provide ARTIFACT_BLOB_RESOLVER globally.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ModelEntity, ModelVersionEntity])],
  controllers: [ModelsController, ModelVersionsController],
  providers: [ModelsService, ModelVersionsService, ModelsResolver, ModelVersionsResolver],
  exports: [ModelsService, ModelVersionsService],
})
export class ModelsModule {}
