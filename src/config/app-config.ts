import { ConfigError, envBool, envEnum, envInt, envString, envUrl } from './env';

/**
 * The whole service configuration, read and validated once at start. A bad variable stops
 * the process with a ConfigError naming it, instead of failing on first use.
 * Modules that need more settings may add a section reader beside this one (for example
 * `src/config/runs-config.ts`) and merge it here under its own key.
 */
export interface S3Config {
  endpoint: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
}

export type ArtifactStoreKind = 'local' | 's3';
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  artifactStore: ArtifactStoreKind;
  artifactDir: string;
  s3: S3Config;
  maxUploadBytes: number;
  maxBodyBytes: number;
  rateLimitPerMinute: number;
  graphqlMaxDepth: number;
  graphqlMaxComplexity: number;
  logLevel: LogLevel;
  heartbeatTimeoutMs: number;
  reconcileIntervalMs: number;
  dispatchIntervalMs: number;
}

type Env = Record<string, string | undefined>;

const MIB = 1024 * 1024;

export function loadAppConfig(env: Env = process.env): AppConfig {
  const artifactStore = envEnum(env, 'ARTIFACT_STORE', ['local', 's3'] as const, 'local');
  return {
    port: envInt(env, 'PORT', 3000, { min: 0, max: 65535 }),
    databaseUrl: envUrl(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/graftwork', ['postgres', 'postgresql']),
    redisUrl: envUrl(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis', 'rediss']),
    queuePrefix: queuePrefix(env),
    artifactStore,
    artifactDir: envString(env, 'ARTIFACT_DIR', './var/artifacts'),
    s3: loadS3Config(env, artifactStore === 's3'),
    maxUploadBytes: envInt(env, 'MAX_UPLOAD_BYTES', 2048 * MIB, { min: 1 }),
    maxBodyBytes: envInt(env, 'MAX_BODY_BYTES', 10 * MIB, { min: 1024 }),
    rateLimitPerMinute: envInt(env, 'RATE_LIMIT_PER_MINUTE', 600, { min: 1 }),
    graphqlMaxDepth: envInt(env, 'GRAPHQL_MAX_DEPTH', 8, { min: 1, max: 64 }),
    graphqlMaxComplexity: envInt(env, 'GRAPHQL_MAX_COMPLEXITY', 1000, { min: 1 }),
    logLevel: envEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    heartbeatTimeoutMs: envInt(env, 'HEARTBEAT_TIMEOUT_MS', 30_000, { min: 1000 }),
    reconcileIntervalMs: envInt(env, 'RECONCILE_INTERVAL_MS', 10_000, { min: 100 }),
    dispatchIntervalMs: envInt(env, 'DISPATCH_INTERVAL_MS', 1_000, { min: 10 }),
  };
}

function queuePrefix(env: Env): string {
  const prefix = envString(env, 'QUEUE_PREFIX', 'graftwork');
  // BullMQ builds keys as `<prefix>:<queue>:...`; a colon inside the prefix would blur them.
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new ConfigError('QUEUE_PREFIX', 'letters, digits, _ or - only', prefix);
  return prefix;
}

function loadS3Config(env: Env, required: boolean): S3Config {
  const bucket = env.S3_BUCKET;
  if (required && !bucket) throw new ConfigError('S3_BUCKET', 'a bucket name when ARTIFACT_STORE=s3', bucket);
  const endpoint = env.S3_ENDPOINT ? envUrl(env, 'S3_ENDPOINT', '', ['http', 'https']) : undefined;
  return {
    endpoint,
    region: envString(env, 'S3_REGION', 'us-east-1'),
    bucket: bucket ?? '',
    accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
    forcePathStyle: envBool(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined),
  };
}
