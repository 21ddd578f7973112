import { loadAppConfig } from './app-config';
import { ConfigError } from './env';

describe('loadAppConfig', () => {
  it('has working defaults', () => {
    const config = loadAppConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/graftwork',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'graftwork',
      artifactStore: 'local',
      heartbeatTimeoutMs: 30000,
      maxBodyBytes: 10 * 1024 * 1024,
    });
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['REDIS_URL', { REDIS_URL: 'not a url' }],
    ['QUEUE_PREFIX', { QUEUE_PREFIX: 'a:b' }],
    ['ARTIFACT_STORE', { ARTIFACT_STORE: 'ftp' }],
    ['S3_BUCKET', { ARTIFACT_STORE: 's3' }],
    ['S3_ENDPOINT', { ARTIFACT_STORE: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'minio:9000' }],
    ['MAX_UPLOAD_BYTES', { MAX_UPLOAD_BYTES: '-1' }],
    ['RATE_LIMIT_PER_MINUTE', { RATE_LIMIT_PER_MINUTE: '0' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['HEARTBEAT_TIMEOUT_MS', { HEARTBEAT_TIMEOUT_MS: '1.5' }],
  ])('names %s when it is invalid', (variable, env) => {
    let error: unknown;
    try {
      loadAppConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toContain(variable);
  });

  it('reads S3 settings, path style by default when an endpoint is set', () => {
    const config = loadAppConfig({ ARTIFACT_STORE: 's3', S3_BUCKET: 'art', S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' });
    expect(config.s3).toEqual({ endpoint: 'http://minio:9000', region: 'us-east-1', bucket: 'art', accessKeyId: 'k', secretAccessKey: 's', forcePathStyle: true });
  });
});
