import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { RegistryService } from '../common/registry.service';
import { ModelEntity } from './model.entity';

/** Models as named, tagged containers of versions (weights and lineage: ModelVersionsService). */
@Injectable()
export class ModelsService extends RegistryService<ModelEntity> {
  constructor(@InjectRepository(ModelEntity) repository: Repository<ModelEntity>, audit: AuditService) {
    super(repository, audit, 'model');
  }
}
