import { Global, Module } from '@nestjs/common';
import { ContractsService } from './contracts.service';

@Global()
@Module({
  providers: [{ provide: ContractsService, useFactory: () => new ContractsService() }],
  exports: [ContractsService],
})
export class ContractsModule {}
