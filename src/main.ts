import 'reflect-metadata';
import { createApp } from './app.factory';
import { loadAppConfig } from './config/app-config';

/**
 * Starts the service. Configuration is validated before anything else so a bad variable
 * stops the process with its name. SIGTERM/SIGINT close the server (no new connections),
 * let in-flight requests finish, then run every module's onApplicationShutdown.
 */
async function bootstrap(): Promise<void> {
  const config = loadAppConfig();
  const app = await createApp({ config });
  await app.listen(config.port);
}

bootstrap().catch((error: unknown) => {
  console.error(JSON.stringify({ time: new Date().toISOString(), level: 'error', context: 'bootstrap', msg: error instanceof Error ? error.message : String(error) }));
  process.exit(1);
});
