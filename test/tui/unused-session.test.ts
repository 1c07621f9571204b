import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.ts";
import { SessionStore } from "../../src/session/store.ts";
import { TuiSession } from "../../src/tui/session/tui-session.ts";
import { startFakeModel } from "../support/fake-model.ts";

test("a TUI session left unused (opened, or /new, and never sent to) is not kept; a used one is", async () => {
  const fake = await startFakeModel();
  const root = mkdtempSync(join(tmpdir(), "tui-unused-"));
  try {
    const workspace = join(root, "workspace");
    mkdirSync(workspace);
    const dataDir = join(root, "data");
    const config = configSchema.parse({
      providers: { fake: { type: "openai-compatible", base_url: `${fake.url}/v1`, model: "fake-model" } },
    });
    const open = () => TuiSession.open({ config, dataDir, workspace, modelRef: "fake/fake-model" });
    const stored = () =>
      SessionStore.open(dataDir)
        .list()
        .map((s) => s.title);

    await (await open()).close();
    assert.deepEqual(stored(), [], "opened and closed: nothing kept");

    const tui = await open();
    fake.push("Hello back.");
    await tui.submit("hello");
    tui.newSession();
    tui.newSession();
    await tui.close();
    assert.deepEqual(stored(), ["hello"], "the used session only, not the two made by /new");
  } finally {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  }
});
