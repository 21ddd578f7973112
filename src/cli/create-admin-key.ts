import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { ApiKeysService } from '../auth/api-keys.service';
import { loadAppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { createProjectAdminKey } from '../projects/first-admin-key';
import { ProjectEntity } from '../projects/project.entity';
import { ProjectsService } from '../projects/projects.service';

/**
 * `npm run create-admin-key -- --project <name>` (after a build): creates the project if
 * it is missing and prints a new admin key for it. The key is printed once, on stdout,
 * alone on its line, so scripts can capture it: KEY=$(npm run -s create-admin-key -- --project x).
 */
export function parseProjectArg(argv: string[]): string {
  const index = argv.indexOf('--project');
  const value = index >= 0 ? argv[index + 1] : undefined;
  if (!value || value.startsWith('--')) throw new Error('usage: create-admin-key --project <name>');
  return value;
}

@Module({
  imports: [DatabaseModule, AuditModule, TypeOrmModule.forFeature([ProjectEntity, ApiKeyEntity])],
  providers: [ProjectsService, ApiKeysService],
})
class CreateAdminKeyModule {}

async function main(): Promise<void> {
  const projectName = parseProjectArg(process.argv.slice(2));
  const config = loadAppConfig();

  @Module({ imports: [ConfigModule.forRoot(config), CreateAdminKeyModule] })
  class Root {}

  const context = await NestFactory.createApplicationContext(Root, { logger: ['error'] });
  try {
    const { project, projectCreated, key } = await createProjectAdminKey(context.get(ProjectsService), context.get(ApiKeysService), projectName);
    console.error(`${projectCreated ? 'created' : 'found'} project ${project.name} (${project.id}); new admin key ${key.apiKey.id}:`);
    console.log(key.secret);
  } finally {
    await context.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
