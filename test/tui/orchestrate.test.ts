import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { configSchema } from "../../src/config/schema.ts";
import { OkrService } from "../../src/okr/service.ts";
import { SqliteOkrStore } from "../../src/okr/sqlite-store.ts";
import { offerInterruptedRuns } from "../../src/tui/commands/orchestrate.ts";
import { runSlashCommand, type CommandContext } from "../../src/tui/commands/run-command.ts";
import { TuiSession } from "../../src/tui/session/tui-session.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { draftTurn, evalTurn, relayTurn, turnsRequested } from "../okr/relay-script.ts";

let fake: FakeModel;
let root: string;
let dataDir: string;
let session: TuiSession;

beforeEach(async () => {
  fake = await startFakeModel();
  root = mkdtempSync(join(tmpdir(), "tui-go-"));
  const workspace = join(root, "workspace");
  mkdirSync(workspace);
  dataDir = join(root, "data");
  const config = configSchema.parse({
    providers: { fake: { type: "openai-compatible", base_url: `${fake.url}/v1`, model: "fake-model" } },
  });
  session = await TuiSession.open({ config, dataDir, workspace, modelRef: "fake/fake-model" });
});

afterEach(async () => {
  await session.close();
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

const notices = () =>
  session
    .getSnapshot()
    .scrollback.items.flatMap((entry) => (entry.kind === "notice" ? [entry.text] : []))
    .join("\n");

const context = () => ({ session }) as unknown as CommandContext;

/** Waits for the question prompt and answers it as the user would (typing into it). */
async function answer(pattern: RegExp, text: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const question = session.getSnapshot().question;
    if (question && pattern.test(question.request.question)) {
      const shown = question.request.question;
      question.answer(text);
      return shown;
    }
    await sleep(10);
  }
  assert.fail(`no question matching ${pattern}; transcript:\n${notices()}`);
}

test("/go in the TUI: D denies and asks a new intent, A approves, the relay's progress shows in the transcript", async () => {
  fake.push(
    draftTurn("First idea", [{ title: "A thing", target_value: 1 }]),
    draftTurn("Better idea", [{ title: "Steps", target_value: 3 }]),
    relayTurn(1, { next_actions: ["more"] }),
    evalTurn({ KR1: 1 }),
    relayTurn(2, { next_actions: ["more"] }),
    evalTurn({ KR1: 2 }),
    relayTurn(3, { next_actions: [] }),
    evalTurn({ KR1: 3 }),
  );
  const done = runSlashCommand("go", "--rounds 1 first idea", context());
  const first = await answer(/^Approve this OKR\?/, "d");
  assert.match(first, /Objective: First idea\n• A thing \(target 1\)/);
  await answer(/^New intent/, "the better idea");
  const second = await answer(/^Approve this OKR\?/, "a");
  assert.match(second, /Objective: Better idea/);
  await done;
  assert.deepEqual(turnsRequested(fake.requests), [1, 2, 3]);
  const transcript = notices();
  assert.match(transcript, /▸ turn 2 · round 1 · implementer/);
  assert.match(transcript, /key results: 67%/);
  assert.match(transcript, /\/go run completed after 3 turns: 100% Steps/);
  assert.equal(session.getSnapshot().busy, false);
  const service = new OkrService(SqliteOkrStore.open(dataDir));
  assert.deepEqual(
    (await service.store.listOkrs()).map((okr) => [okr.title, okr.status]),
    [
      ["Better idea", "completed"],
      ["First idea", "cancelled"],
    ],
  );
});

test("the TUI offers an interrupted run on start and /go --resume continues it at its next turn", async () => {
  fake.push(
    draftTurn("Resumable", [{ title: "Steps", target_value: 2 }]),
    relayTurn(1, { next_actions: ["on"] }),
    evalTurn({ KR1: 1 }),
  );
  // A run that stopped after its first turn (e.g. interrupted with Esc while turn 2 ran).
  fake.push({ match: { lastUserContains: "turn 2 of" }, error: { status: 400 } });
  const started = runSlashCommand("go", "--agents 2 --rounds 1 resumable", context());
  await answer(/^Approve this OKR\?/, "approve");
  await started;
  assert.match(notices(), /relay turn 2 \(implementer\) did not finish/);
  const service = new OkrService(SqliteOkrStore.open(dataDir));
  const [run] = await service.store.listRuns();
  assert.equal(run!.status, "paused");

  await offerInterruptedRuns(session, dataDir);
  assert.match(
    notices(),
    new RegExp(`interrupted /go run "resumable" after turn 1 of 2: resume it with /go --resume ${run!.id}`),
  );
  fake.push(relayTurn(2, { next_actions: [] }), evalTurn({ KR1: 2 }));
  await runSlashCommand("go", `--resume ${run!.id}`, context());
  assert.match(notices(), /\/go run completed after 2 turns: 100% Steps/);
  assert.deepEqual(turnsRequested(fake.requests).filter((turn) => turn === 1).length, 1, "turn 1 ran once");
});
