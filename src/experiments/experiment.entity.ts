import { Entity } from 'typeorm';
import { RegistryEntityBase } from '../common/registry-entity.base';

@Entity({ name: 'experiments' })
export class ExperimentEntity extends RegistryEntityBase {}
