import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { AppConfig, loadAppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { JsonLogger } from './logging/json-logger';
import { createValidationPipe } from './common/validation.pipe';

export interface CreateAppOptions {
  /** Defaults to loadAppConfig(process.env); tests pass their own database and limits. */
  config?: AppConfig;
  /** Defaults to a JsonLogger at config.logLevel; pass false to silence (tests). */
  logger?: JsonLogger | false;
}

/**
 * Builds and configures the Nest app, shared by main.ts and the tests: JSON body limit
 * (done by JsonBodyMiddleware, so express's own parser is off), global filter and guards
 * (in AppModule), OpenAPI at /api/docs, shutdown hooks. The caller decides whether to listen.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const config = options.config ?? loadAppConfig();
  const logger = options.logger === undefined ? new JsonLogger(config.logLevel) : options.logger;

  @Module({ imports: [ConfigModule.forRoot(config), AppModule] })
  class RootModule {}

  const app = await NestFactory.create<NestExpressApplication>(RootModule, {
    bodyParser: false,
    logger: logger === false ? false : logger,
    bufferLogs: logger !== false,
  });
  if (logger !== false) app.useLogger(logger);
  app.set('trust proxy', 'loopback');
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setupOpenApi(app);
  return app;
}

function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Graftwork API')
      .setDescription('Projects, datasets, models, experiments, runs. Authenticate with `Authorization: Bearer <api key>`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
