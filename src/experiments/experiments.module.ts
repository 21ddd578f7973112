import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExperimentEntity } from './experiment.entity';
import { ExperimentsController } from './experiments.controller';
import { ExperimentsResolver } from './experiments.resolver';
import { ExperimentsService } from './experiments.service';

@Module({
  imports: [TypeOrmModule.forFeature([ExperimentEntity])],
  controllers: [ExperimentsController],
  providers: [ExperimentsService, ExperimentsResolver],
  exports: [ExperimentsService],
})
export class ExperimentsModule {}
