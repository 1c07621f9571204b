// Secrets a task gets hold of (a key in a workspace file, the value of a secret environment variable, the
// serve token the model was tricked into repeating) are redacted from everything recorded and from the
// next model request.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, test } from "node:test";
import type BetterSqlite3 from "better-sqlite3";
import { jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { useServe } from "../a2a/serve-process.ts";

const ENV_SECRET = "env-secret-value-7f3a9c";
const KEY_SHAPED = `sk-proj-${"a1B2c3D4".repeat(4)}`;
const GITHUB = `ghp_${"x9Y8z7W6".repeat(5)}`;

function sessionRows(dataDir: string): string {
  const Sqlite = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
  const db = new Sqlite(join(dataDir, "codetether.db"), { readonly: true });
  try {
    return JSON.stringify(db.prepare("SELECT content FROM messages").all());
  } finally {
    db.close();
  }
}

function assertClean(what: string, text: string, secrets: string[]): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `${what} holds ${secret}: ${text.slice(0, 2000)}`);
  assert.match(text, /\[REDACTED\]/, what);
}

describe("a run", () => {
  const t = useFakeModelSandbox({ configure: true });

  test("records sessions, events and audit, and sends the next request, without the secrets it saw", async () => {
    writeFileSync(join(t.sandbox.workspace, "notes.txt"), `keys: ${KEY_SHAPED} ${GITHUB}\nservice: ${ENV_SECRET}\n`);
    t.fake.push(
      [
        { text: `Found ${ENV_SECRET} in the environment.` },
        { tool: "read_file", input: { path: "notes.txt" } },
        { tool: "bash", input: { command: "cat notes.txt; echo $MY_SERVICE_TOKEN" } },
      ],
      `The keys are ${KEY_SHAPED} and ${ENV_SECRET}.`,
    );
    const env = { MY_SERVICE_TOKEN: ENV_SECRET };
    const run = await runCli(t.sandbox, ["run", "--json", "-m", "fake/fake-model", "read the notes"], { env });
    assert.equal(run.code, 0, run.stderr);
    const secrets = [ENV_SECRET, KEY_SHAPED, GITHUB];

    const next = JSON.stringify(t.fake.requests.at(-1)!.body.messages);
    assertClean("the next model request", next, secrets);
    assertClean("the session store", sessionRows(t.sandbox.dataDir), secrets);
    const events = await runCli(t.sandbox, ["events", "tail", "-n", "1000", "--json"], { env });
    assert.equal(events.code, 0, events.stderr);
    assertClean("the event stream", events.stdout, secrets);
    const audit = await runCli(t.sandbox, ["audit", "query", "--json"], { env });
    assert.equal(audit.code, 0, audit.stderr);
    for (const secret of secrets) assert.ok(!audit.stdout.includes(secret), `the audit holds ${secret}`);
    assert.ok(jsonLines(run.stdout).some((e) => e.type === "tool-completed" && /\[REDACTED\]/.test(e.output)));
  });
});

describe("a task on serve", () => {
  // The token is generated and kept in the data dir, not in serve's environment.
  const running = useServe({ env: { CODETETHER_AUTH_TOKEN: "" } });

  test("publishes artifacts without the serve token the model repeated", async () => {
    const token = running.serve.endpoints.token!;
    const tag = `tag-${randomUUID()}`;
    running.fake.push({ match: { lastUserContains: tag }, items: [{ text: `The server token is ${token}.` }] });
    const sent = await runCli(running.serve.sandbox, ["a2a", "send", running.serve.endpoints.http, tag, "--json"], {
      env: { CODETETHER_AUTH_TOKEN: token },
    });
    assert.equal(sent.code, 0, sent.stderr);
    const task = jsonLines(sent.stdout)[0]!;
    const answer = task.artifacts.find((a: { name: string }) => a.name === "answer").parts[0].text;
    assert.equal(answer, "The server token is [REDACTED].");
    assertClean("the task", JSON.stringify(task.history) + answer, [token]);
    assertClean("the session store", sessionRows(running.serve.sandbox.dataDir), [token]);
  });
});
