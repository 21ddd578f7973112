import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { RegistryService } from '../common/registry.service';
import { ExperimentEntity } from './experiment.entity';

/** Experiments group runs; the name is unique per project (409 experiment_exists). */
@Injectable()
export class ExperimentsService extends RegistryService<ExperimentEntity> {
  constructor(@InjectRepository(ExperimentEntity) repository: Repository<ExperimentEntity>, audit: AuditService) {
    super(repository, audit, 'experiment');
  }
}
