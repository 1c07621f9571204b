export { createArchiver, type Archiver, type ArchiverOptions } from "./archiver.ts";
export { withRetry, isRetryableS3Error, type RetryOptions } from "./retry.ts";
export type { ArchiveConfig, ArchiveCredentials, FetchResult, Manifest, ManifestEntry, PushResult } from "./types.ts";
