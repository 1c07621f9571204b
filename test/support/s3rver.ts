// An S3-compatible server (s3rver) on a free loopback port for the archive tests.
import { after, before } from "node:test";
import S3rver from "s3rver";
import { tempDir } from "../events/temp-dir.ts";

/**
 * Starts s3rver with `bucket` before the file's tests and stops it after; call at the top level of a test
 * file. Root-level `before` hooks do not wait for each other: a hook that needs the endpoint awaits `ready`.
 */
export function useS3rver(bucket: string): { readonly endpoint: string; readonly ready: Promise<void> } {
  const directory = tempDir("codetether-s3rver-");
  let started!: () => void;
  const state = { endpoint: "", ready: new Promise<void>((resolve) => (started = resolve)) };
  let server: S3rver | undefined;
  before(async () => {
    server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket, configs: [] }],
    });
    state.endpoint = `http://127.0.0.1:${(await server.run()).port}`;
    started();
  });
  after(() => server?.close());
  return state;
}
