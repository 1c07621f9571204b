/** Where archived segments go: AWS S3 (no endpoint) or an S3-compatible service such as Cloudflare R2. */
export interface ArchiveConfig {
  endpoint?: string;
  bucket: string;
  /** Key prefix for one log, e.g. `codetether/audit/`; a trailing slash is added when missing. */
  prefix: string;
  region: string;
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible servers. */
  forcePathStyle?: boolean;
}

export interface ArchiveCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ManifestEntry {
  segment: number;
  /** The segment's file name in the log directory, e.g. `00000001.jsonl`. */
  file: string;
  sha256: string;
  bytes: number;
  key: string;
  archived_at: string;
}

/** A file kept beside the segments (an audit writer's signed heads), named by its content hash. */
export interface SideFile {
  key: string;
  sha256: string;
  bytes: number;
  archived_at: string;
}

export interface Manifest {
  version: 1;
  segments: ManifestEntry[];
  /** The newest signed heads of an audit writer, as pushed last. */
  heads?: SideFile;
}

export interface PushResult {
  /** Segments whose bytes were sent. */
  uploaded: ManifestEntry[];
  /** Segments already archived (same content hash): nothing sent. */
  skipped: ManifestEntry[];
}

export interface FetchResult {
  key: string;
  sha256: string;
  bytes: number;
  path: string;
}
