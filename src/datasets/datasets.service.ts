import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { RegistryService } from '../common/registry.service';
import { DatasetEntity } from './dataset.entity';

/** Datasets as named, tagged containers of versions (uploads: DatasetVersionsService). */
@Injectable()
export class DatasetsService extends RegistryService<DatasetEntity> {
  constructor(@InjectRepository(DatasetEntity) repository: Repository<DatasetEntity>, audit: AuditService) {
    super(repository, audit, 'dataset');
  }
}
