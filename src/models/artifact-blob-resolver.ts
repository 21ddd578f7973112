/**
 * How a model version registered from a run artifact finds the artifact's bytes. The
 * artifacts module (runs side) may provide ARTIFACT_BLOB_RESOLVER; without it callers of
 * registerModelVersion pass the artifact's blobKey (and sha256/bytes) themselves.
 */
export const ARTIFACT_BLOB_RESOLVER = Symbol('ARTIFACT_BLOB_RESOLVER');

export interface ArtifactBlobRef {
  blobKey: string;
  sha256: string;
  bytes: number;
}

export interface ArtifactBlobResolver {
  /** The artifact's stored blob, or null when it is not in this project. */
  resolve(projectId: string, artifactId: string): Promise<ArtifactBlobRef | null>;
}
