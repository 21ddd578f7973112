import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { BuiltinDatasetsService } from '../builtin-datasets.service';
import { BuiltinDatasetDto } from './builtin-dataset.dto';

@Resolver(() => BuiltinDatasetDto)
export class BuiltinDatasetsResolver {
  constructor(private readonly builtins: BuiltinDatasetsService) {}

  @Query(() => [String], { description: 'names of the built-in datasets' })
  builtinDatasets(): string[] {
    return this.builtins.names();
  }

  @Roles('editor')
  @Mutation(() => BuiltinDatasetDto, { description: 'adds a built-in dataset to the project (idempotent) and returns its version' })
  ensureBuiltinDataset(@CurrentPrincipal() principal: Principal, @Args('name') name: string): Promise<BuiltinDatasetDto> {
    return this.builtins.ensure(principal.projectId, name);
  }
}
