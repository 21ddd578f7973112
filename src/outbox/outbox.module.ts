import { Global, Module } from '@nestjs/common';
import { DispatchSignal } from './dispatch-signal';
import { OutboxDispatcher } from './outbox-dispatcher.service';
import { OutboxRepository } from './outbox.repository';

@Global()
@Module({ providers: [OutboxRepository, DispatchSignal, OutboxDispatcher], exports: [OutboxRepository, DispatchSignal, OutboxDispatcher] })
export class OutboxModule {}
