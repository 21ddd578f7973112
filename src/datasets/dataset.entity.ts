import { Entity } from 'typeorm';
import { RegistryEntityBase } from '../common/registry-entity.base';

@Entity({ name: 'datasets' })
export class DatasetEntity extends RegistryEntityBase {}
