import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ListArgs } from '../common/list.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateExperimentInput, ExperimentDto, ExperimentPageDto, UpdateExperimentInput } from './dto/experiment.dto';
import { ExperimentsService } from './experiments.service';

@ApiTags('experiments')
@ApiBearerAuth()
@Controller('api/v1/experiments')
export class ExperimentsController {
  constructor(private readonly experiments: ExperimentsService) {}

  @Roles('editor')
  @Post()
  @ApiCreatedResponse({ type: ExperimentDto })
  create(@CurrentPrincipal() principal: Principal, @Body() input: CreateExperimentInput): Promise<ExperimentDto> {
    return this.experiments.create(principal, input);
  }

  @Get()
  @ApiOkResponse({ type: ExperimentPageDto })
  list(@CurrentPrincipal() principal: Principal, @Query() args: ListArgs): Promise<ExperimentPageDto> {
    return this.experiments.list(principal.projectId, args);
  }

  @Get(':id')
  @ApiOkResponse({ type: ExperimentDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<ExperimentDto> {
    return this.experiments.get(principal.projectId, id);
  }

  @Roles('editor')
  @Patch(':id')
  @ApiOkResponse({ type: ExperimentDto })
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Body() input: UpdateExperimentInput): Promise<ExperimentDto> {
    return this.experiments.update(principal, id, input);
  }
}
