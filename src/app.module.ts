import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { AuditModule } from './audit/audit.module';
import { ApiKeysService } from './auth/api-keys.service';
import { AuthModule } from './auth/auth.module';
import { AppExceptionFilter } from './common/app-exception.filter';
import { JsonBodyMiddleware } from './common/json-body.middleware';
import { AppConfig } from './config/app-config';
import { APP_CONFIG } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DatasetsModule } from './datasets/datasets.module';
import { ExperimentsModule } from './experiments/experiments.module';
import { buildGraphqlOptions } from './graphql/graphql-config';
import { HealthModule } from './health/health.module';
import { ModelsModule } from './models/models.module';
import { ProjectsModule } from './projects/projects.module';
import { RequestLoggingMiddleware } from './logging/request-logging.middleware';
import { RunsPipelineModule } from './runs/runs-pipeline.module';
import { StorageModule } from './storage/storage.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * The application's modules. ConfigModule (global, APP_CONFIG) is added around this by
 * createApp() in app.factory.ts with the validated config.
 */
@Module({
  imports: [
    DatabaseModule,
    StorageModule,
    AuditModule,
    AuthModule,
    ProjectsModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [APP_CONFIG, ApiKeysService],
      useFactory: (config: AppConfig, apiKeys: ApiKeysService) => buildGraphqlOptions(config, apiKeys),
    }),
    HealthModule,
    DatasetsModule,
    ModelsModule,
    ExperimentsModule,
    WebhooksModule,
    RunsPipelineModule,
    // Feature modules: add one line each below (runs, outbox, queue, reconciler, ingestion,
    // metrics, events, artifacts...). Their shutdown work goes in onApplicationShutdown.
  ],
  providers: [{ provide: APP_FILTER, useClass: AppExceptionFilter }],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLoggingMiddleware, JsonBodyMiddleware).forRoutes('*path');
  }
}
