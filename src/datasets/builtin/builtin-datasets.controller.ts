import { Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { BuiltinDatasetsService } from '../builtin-datasets.service';
import { BuiltinDatasetDto } from './builtin-dataset.dto';

/** Built-in datasets (MNIST): listed by name, added to the caller's project on first use. */
@ApiTags('datasets')
@ApiBearerAuth()
@Controller('api/v1/builtin-datasets')
export class BuiltinDatasetsController {
  constructor(private readonly builtins: BuiltinDatasetsService) {}

  @Get()
  @ApiOkResponse({ type: [String] })
  list(): string[] {
    return this.builtins.names();
  }

  /** Idempotent: the second call returns the version the first one stored. */
  @Roles('editor')
  @Post(':name')
  @ApiOkResponse({ type: BuiltinDatasetDto })
  ensure(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<BuiltinDatasetDto> {
    return this.builtins.ensure(principal.projectId, name);
  }
}
