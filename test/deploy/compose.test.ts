// deploy/compose.yaml and deploy/nginx.conf, with no Docker: the file parses (with the merge keys compose
// reads), runs PostgreSQL, NATS with JetStream, two serve replicas behind the proxy and two workers, and every
// command, option and environment variable is one the CLI really reads.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { busOptionsFrom } from "../../src/bus/create-bus.ts";
import type { Config } from "../../src/config/schema.ts";
import { serverSection } from "../../src/a2a/server-config.ts";
import { storageSection } from "../../src/postgres/config.ts";
import { assertCliCommandLine } from "../support/cli-command-line.ts";

const DEPLOY = new URL("../../deploy/", import.meta.url);
const compose = parse(readFileSync(new URL("compose.yaml", DEPLOY), "utf8"), { merge: true }) as Record<string, any>;
const services = compose.services as Record<string, any>;
const SERVES = ["serve-1", "serve-2"];
const WORKERS = ["worker-1", "worker-2"];

/** Compose's interpolation for a check: `${NAME:-default}` becomes its default (NAME unset), `${NAME}` and `${NAME:?error}` `value-of-NAME`. */
const interpolate = (text: string) =>
  text.replace(
    /\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g,
    (_, name: string, fallback?: string) => fallback ?? `value-of-${name}`,
  );
const envOf = (service: string): Record<string, string> =>
  Object.fromEntries(Object.entries(services[service].environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));

/** Every `CODETETHER_*` name the sources mention: what the CLI can read. */
const sourceText = readdirSync(new URL("../../src/", import.meta.url), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts"))
  .map((file) => readFileSync(new URL(`../../src/${file}`, import.meta.url), "utf8"))
  .join("\n");

describe("deploy/compose.yaml", () => {
  it("runs PostgreSQL, NATS with JetStream, two serve replicas, the proxy and two workers", () => {
    assert.deepEqual(Object.keys(services).sort(), ["nats", "postgres", "proxy", ...SERVES, ...WORKERS].sort());
    assert.ok(services.nats.command.includes("--jetstream"));
  });

  it("points each replica at the one database and bus, with one token from the environment and its own data dir", () => {
    const volumes = new Set<string>();
    for (const name of SERVES) {
      const env = envOf(name);
      assert.equal(env.CODETETHER_AUTH_TOKEN, "value-of-CODETETHER_AUTH_TOKEN");
      assert.match(
        storageSection({} as Config, env).url!,
        /^postgres:\/\/codetether:value-of-POSTGRES_PASSWORD@postgres:/,
      );
      assert.equal(busOptionsFrom({}, env).url, "nats://nats:4222");
      const dataVolume = services[name].volumes.find((v: string) => v.endsWith(`:${env.CODETETHER_DATA_DIR}`));
      assert.ok(dataVolume, `${name}: a volume on its data dir`);
      volumes.add(dataVolume.split(":")[0]);
      assert.ok(services[name].depends_on.postgres && services[name].depends_on.nats);
    }
    assert.equal(volumes.size, SERVES.length, "each replica has a data dir of its own");
    assert.equal(services.postgres.environment.POSTGRES_PASSWORD, "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}");
  });

  it("starts commands, options and environment variables the CLI has", () => {
    for (const name of [...SERVES, ...WORKERS]) {
      assertCliCommandLine(services[name].command, name);
      for (const variable of Object.keys(envOf(name)))
        assert.ok(sourceText.includes(variable), `${name}: the CLI reads no ${variable}`);
    }
  });

  it("builds the image whose user owns the replicas' data dir (a new volume takes its owner), with bubblewrap", () => {
    const dockerfile = readFileSync(new URL("../Dockerfile", DEPLOY), "utf8");
    const user = /^USER (\S+)/m.exec(dockerfile)![1]!;
    for (const name of SERVES) {
      const dataDir = envOf(name).CODETETHER_DATA_DIR!;
      assert.match(
        dockerfile,
        new RegExp(`^RUN mkdir [^\\n]*${dataDir}\\b.*chown ${user}:${user} [^\\n]*${dataDir}\\b`, "m"),
      );
    }
    assert.match(dockerfile, /apt-get install [^\n]*\bbubblewrap\b/);
    assert.equal(services["serve-1"].build.dockerfile, "Dockerfile");
  });

  it("puts the proxy in front of both replicas, and the workers behind it with serve's token", () => {
    const nginx = readFileSync(new URL("nginx.conf", DEPLOY), "utf8");
    assert.ok(services.proxy.volumes.some((v: string) => v.startsWith("./nginx.conf:")));
    const upstreams = [...nginx.matchAll(/^\s*server ([\w-]+):(\d+)/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(upstreams.map(([host, port]) => `${host}:${port}`).sort(), [
      "serve-1:4096",
      "serve-1:50051",
      "serve-2:4096",
      "serve-2:50051",
    ]);
    const listens = [...nginx.matchAll(/^\s*listen (\d+);/gm)].map((m) => m[1]);
    // The card names the proxy's published ports (HTTP at the public URL's, gRPC at serve's own), not a replica.
    const published = (services.proxy.ports as string[]).map((p) => p.split(":")[0]);
    for (const name of SERVES) {
      const publicUrl = new URL(serverSection({} as Config, envOf(name)).public_url!);
      const grpcPort = services[name].command[services[name].command.indexOf("--grpc-port") + 1];
      assert.ok(published.includes(publicUrl.port) && published.includes(grpcPort), `${name}: ${publicUrl}`);
    }
    for (const name of WORKERS) {
      const command = services[name].command as string[];
      const server = new URL(command[command.indexOf("--server") + 1]!);
      assert.equal(server.hostname, "proxy");
      assert.ok(listens.includes(server.port), `${name}: the proxy listens on ${server.port}`);
      assert.equal(envOf(name).CODETETHER_TOKEN, envOf("serve-1").CODETETHER_AUTH_TOKEN);
    }
  });
});
