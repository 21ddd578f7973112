import { InputType, ObjectType } from '@nestjs/graphql';
import { CreateRegistryItemInput, PageOf, RegistryItemDto, UpdateRegistryItemInput } from '../../common/registry.dto';

@ObjectType('Experiment')
export class ExperimentDto extends RegistryItemDto {}

@InputType()
export class CreateExperimentInput extends CreateRegistryItemInput {}

@InputType()
export class UpdateExperimentInput extends UpdateRegistryItemInput {}

@ObjectType('ExperimentPage')
export class ExperimentPageDto extends PageOf(ExperimentDto) {}
