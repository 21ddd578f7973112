import { Global, Module } from '@nestjs/common';
import { S3Client } from '@aws-sdk/client-s3';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BLOB_STORE, BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

export function createBlobStore(config: AppConfig): BlobStore {
  if (config.artifactStore === 'local') return new LocalBlobStore(config.artifactDir);
  const { s3 } = config;
  const client = new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    credentials: s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : undefined,
  });
  return new S3BlobStore(client, s3.bucket);
}

/** Provides BLOB_STORE everywhere: `@Inject(BLOB_STORE) store: BlobStore`. */
@Global()
@Module({
  providers: [{ provide: BLOB_STORE, inject: [APP_CONFIG], useFactory: createBlobStore }],
  exports: [BLOB_STORE],
})
export class StorageModule {}
