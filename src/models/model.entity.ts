import { Entity } from 'typeorm';
import { RegistryEntityBase } from '../common/registry-entity.base';

@Entity({ name: 'models' })
export class ModelEntity extends RegistryEntityBase {}
