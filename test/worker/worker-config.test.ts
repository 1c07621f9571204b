// Worker settings from flags and environment, and cognition sharing's "never fail a heartbeat" rule.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cognitionSharingFromEnv, cognitionSourceToken, readCognition } from "../../src/worker/cognition.ts";
import { resolveWorkerOptions } from "../../src/worker/options.ts";
import { tempDir } from "../events/temp-dir.ts";

describe("worker options", () => {
  const cwd = tempDir("codetether-worker-");

  it("takes flags over environment variables over defaults", () => {
    const env = {
      CODETETHER_SERVER: "http://env:4096/",
      CODETETHER_TOKEN: "env-token",
      CODETETHER_WORKER_NAME: "env-name",
      CODETETHER_WORKER_MAX_CONCURRENT_TASKS: "2",
      CODETETHER_WORKER_HOST: "127.0.0.1",
      CODETETHER_WORKER_PORT: "9000",
    };
    const fromEnv = resolveWorkerOptions({}, env, cwd);
    assert.equal(fromEnv.server, "http://env:4096");
    assert.equal(fromEnv.token, "env-token");
    assert.equal(fromEnv.name, "env-name");
    assert.equal(fromEnv.maxConcurrentTasks, 2);
    assert.deepEqual(fromEnv.probe, { host: "127.0.0.1", port: 9000 });
    assert.deepEqual(fromEnv.workspaces, [cwd]);
    assert.equal(fromEnv.autoApprove, "safe");
    assert.equal(fromEnv.heartbeatIntervalMs, 30_000);

    const fromFlags = resolveWorkerOptions(
      {
        server: "https://flag",
        token: "t",
        name: "n",
        maxConcurrentTasks: "8",
        port: "0",
        workspaces: ".",
        autoApprove: "all",
      },
      env,
      cwd,
    );
    assert.equal(fromFlags.server, "https://flag");
    assert.equal(fromFlags.maxConcurrentTasks, 8);
    assert.equal(fromFlags.probe!.port, 0);
    assert.equal(fromFlags.autoApprove, "all");
    assert.equal(resolveWorkerOptions({ server: "http://s", httpServer: false }, {}, cwd).probe, undefined);
    assert.equal(
      resolveWorkerOptions({ server: "http://s" }, { CODETETHER_WORKER_HTTP_DISABLED: "true" }, cwd).probe,
      undefined,
    );
  });

  it("refuses bad values with one-line errors", () => {
    const cases: Array<[Parameters<typeof resolveWorkerOptions>[0], NodeJS.ProcessEnv, RegExp]> = [
      [{}, {}, /pass --server URL or set CODETETHER_SERVER/],
      [{ server: "not a url" }, {}, /invalid --server/],
      [{ server: "ws://x" }, {}, /use http:\/\/ or https:\/\//],
      [{ server: "http://s", maxConcurrentTasks: "1.5" }, {}, /--max-concurrent-tasks '1.5'/],
      [{ server: "http://s" }, { CODETETHER_WORKER_PORT: "-1" }, /--port '-1'/],
      [{ server: "http://s", workspaces: "missing-dir" }, {}, /workspace not found/],
      [{ server: "http://s", autoApprove: "most" }, {}, /--auto-approve 'most'/],
      [{ server: "http://s" }, { CODETETHER_WORKER_HTTP_DISABLED: "maybe" }, /CODETETHER_WORKER_HTTP_DISABLED/],
      [
        { server: "http://s" },
        { CODETETHER_WORKER_COGNITION_TIMEOUT_MS: "soon" },
        /CODETETHER_WORKER_COGNITION_TIMEOUT_MS/,
      ],
    ];
    for (const [flags, env, message] of cases) assert.throws(() => resolveWorkerOptions(flags, env, cwd), message);
  });
});

describe("cognition sharing", () => {
  const servers: Server[] = [];
  after(() => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  });

  async function source(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const sharing = (sourceUrl: string, env: NodeJS.ProcessEnv = {}) => ({ ...cognitionSharingFromEnv(env), sourceUrl });

  it("defaults to the seed's table", () => {
    assert.deepEqual(cognitionSharingFromEnv({}), {
      enabled: true,
      sourceUrl: "http://127.0.0.1:4096",
      includeThoughts: true,
      thoughtMaxChars: 480,
      timeoutMs: 2500,
    });
  });

  it("reads the status and the truncated latest thought, or only the status when thoughts are off", async () => {
    const url = await source((_req, res) =>
      res.end(JSON.stringify({ running: true, latest_thought: "x".repeat(600) })),
    );
    const report = await readCognition(sharing(url));
    assert.equal(report!.latest_thought!.length, 480);
    assert.deepEqual(report!.status, { running: true });
    assert.equal(
      (await readCognition(sharing(url, { CODETETHER_WORKER_COGNITION_INCLUDE_THOUGHTS: "false" })))!.latest_thought,
      undefined,
    );
    assert.equal(await readCognition(sharing(url, { CODETETHER_WORKER_COGNITION_SHARE_ENABLED: "false" })), undefined);
  });

  it("leaves the field out when the API fails, is slow, or answers something else", async () => {
    const failing = await source((_req, res) => {
      res.writeHead(503);
      res.end("down");
    });
    const garbled = await source((_req, res) => res.end("<html>"));
    const slow = await source(() => {});
    assert.equal(await readCognition(sharing(failing)), undefined);
    assert.equal(await readCognition(sharing(garbled)), undefined);
    assert.equal(await readCognition({ ...sharing(slow), timeoutMs: 100 }), undefined);
    assert.equal(await readCognition(sharing("http://127.0.0.1:1")), undefined);
  });

  it("reads the serve it works for with its token, and any other source with that local serve's own token", () => {
    const dataDir = tempDir("codetether-cognition-token-");
    const env = { CODETETHER_DATA_DIR: dataDir };
    const server = "http://build-host:4096";
    assert.equal(cognitionSourceToken("http://build-host:4096", server, "upstream", env), "upstream");
    assert.equal(cognitionSourceToken("http://127.0.0.1:4096", server, "upstream", env), undefined);
    writeFileSync(join(dataDir, "auth-token"), "local-file-token\n");
    assert.equal(cognitionSourceToken("http://127.0.0.1:4096", server, "upstream", env), "local-file-token");
    assert.equal(
      cognitionSourceToken("http://127.0.0.1:4096", server, "upstream", { ...env, CODETETHER_AUTH_TOKEN: "local-env" }),
      "local-env",
    );
    assert.equal(cognitionSourceToken("not a url", server, "upstream", env), undefined);
  });
});
