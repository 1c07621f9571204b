import { UserError } from "../contracts/errors.ts";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ArchiveConfig, ArchiveCredentials } from "./types.ts";

/** The few S3 operations archival needs, over @aws-sdk/client-s3 (imported only when archival runs). */
export interface ObjectStore {
  exists(key: string): Promise<boolean>;
  putFile(key: string, path: string, sha256: string, bytes: number): Promise<void>;
  putJson(key: string, value: unknown): Promise<void>;
  /** The object's JSON, or undefined when there is no such object. */
  getJson<T>(key: string): Promise<T | undefined>;
  /**
   * Streams the object into `dest` through a temporary file that becomes `dest` only if its SHA-256
   * is `expectedSha256` (when given), so a corrupt download never replaces anything.
   */
  download(key: string, dest: string, expectedSha256?: string): Promise<{ sha256: string; bytes: number }>;
}

export async function createS3Store(config: ArchiveConfig, credentials: ArchiveCredentials): Promise<ObjectStore> {
  // The SDK prints a notice about its future Node versions on Node 20: noise on every archive command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const s3 = await import("@aws-sdk/client-s3");
  const client = new s3.S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials,
    maxAttempts: 1, // retries are ours (withRetry), so they are not multiplied by the SDK's own
    // We send our own SHA-256; the SDK's default CRC trailers need aws-chunked uploads that
    // several S3-compatible servers do not accept.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = config.bucket;
  // A missing object, not a missing bucket (also a 404): that one is the configuration's error, said as such.
  const isMissing = (error: unknown) =>
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404 &&
    (error as { name?: string }).name !== "NoSuchBucket";

  return {
    async exists(key) {
      try {
        await client.send(new s3.HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
    async putFile(key, path, sha256, bytes) {
      await client.send(
        new s3.PutObjectCommand({
          Bucket,
          Key: key,
          Body: createReadStream(path),
          ContentLength: bytes,
          ContentType: "application/x-ndjson",
          ChecksumSHA256: Buffer.from(sha256, "hex").toString("base64"),
        }),
      );
    },
    async putJson(key, value) {
      await client.send(
        new s3.PutObjectCommand({
          Bucket,
          Key: key,
          Body: JSON.stringify(value, null, 2),
          ContentType: "application/json",
        }),
      );
    },
    async getJson<T>(key: string) {
      try {
        const response = await client.send(new s3.GetObjectCommand({ Bucket, Key: key }));
        return JSON.parse(await response.Body!.transformToString()) as T;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async download(key, dest, expectedSha256) {
      const response = await client.send(new s3.GetObjectCommand({ Bucket, Key: key }));
      const hash = createHash("sha256");
      let bytes = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      const partial = `${dest}.part`;
      try {
        await pipeline(response.Body as NodeJS.ReadableStream, tap, createWriteStream(partial));
        const sha256 = hash.digest("hex");
        if (expectedSha256 && sha256 !== expectedSha256) {
          throw new UserError(
            `archived object ${key} is corrupt: its SHA-256 is ${sha256}, expected ${expectedSha256}`,
          );
        }
        await rename(partial, dest);
        return { sha256, bytes };
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    },
  };
}
