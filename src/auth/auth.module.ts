import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyThrottlerGuard } from './api-key-throttler.guard';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysResolver } from './api-keys.resolver';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';

/**
 * API keys and the two global guards, registered here together so their order is fixed:
 * authentication first (the rate limit is keyed by the key it resolves), then the limit.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([ApiKeyEntity]),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ throttlers: [{ name: 'per-key', ttl: 60_000, limit: config.rateLimitPerMinute }] }),
    }),
  ],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeysResolver, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_GUARD, useClass: ApiKeyThrottlerGuard }],
  exports: [ApiKeysService],
})
export class AuthModule {}
