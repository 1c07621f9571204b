import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { render } from "ink-testing-library";
import { configSchema } from "../../src/config/schema.ts";
import { App } from "../../src/tui/app.tsx";
import { PromptHistory } from "../../src/tui/input/history.ts";
import { FileIndex } from "../../src/tui/input/mentions.ts";
import { TuiSession } from "../../src/tui/session/tui-session.ts";
import { ThemeStore } from "../../src/tui/theme/theme-store.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { git, storyTurns } from "../ralph/fixture.ts";

let fake: FakeModel;
let root: string;
let session: TuiSession;
let app: ReturnType<typeof render>;

// What the terminal received since the last typed input: settled entries are printed once into the
// scrollback, the live region is redrawn, so the screen is every write, not only the last frame.
let sinceInput = 0;
const frame = () =>
  app.frames
    .slice(sinceInput)
    .join("\n")
    .replace(/\x1b\[[0-9;]*m/g, "");

async function waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pattern.test(frame())) return frame();
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${pattern}; screen:\n${frame()}`);
}

async function type(...chunks: string[]): Promise<void> {
  sinceInput = app.frames.length;
  for (const chunk of chunks) {
    app.stdin.write(chunk);
    await sleep(10);
  }
}

beforeEach(async () => {
  sinceInput = 0;
  fake = await startFakeModel();
  root = mkdtempSync(join(tmpdir(), "tui-app-"));
  const workspace = join(root, "workspace");
  mkdirSync(workspace);
  const config = configSchema.parse({
    providers: { fake: { type: "openai-compatible", base_url: `${fake.url}/v1`, model: "fake-model" } },
  });
  session = await TuiSession.open({ config, dataDir: join(root, "data"), workspace, modelRef: "fake/fake-model" });
  const themes = new ThemeStore({
    configPath: join(root, "config.toml"),
    initial: "marketing",
    color: false,
    dir: join(root, "themes"),
    onError: () => {},
  });
  app = render(
    <App
      session={session}
      themes={themes}
      history={new PromptHistory(join(root, "history.jsonl"))}
      files={new FileIndex(workspace)}
      initialLayout="classic"
    />,
  );
});

afterEach(async () => {
  app.unmount();
  await session.close();
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

test("a prompt streams the answer and shows the tool call it made", async () => {
  fake.push([{ tool: "list_dir", input: {} }], "Hi there, **nothing** here.");
  await type("hello", "\r");
  const screen = await waitFor(/Hi there, nothing here\./);
  assert.match(screen, /› hello/);
  assert.match(screen, /✓ list_dir/);
  assert.match(screen, /fake\/fake-model │ ctx \d+%/);
});

test("control keys arriving in one read with text are key presses, not text (Ctrl+U clears)", async () => {
  fake.push("Got it.");
  await type("drop this\x15keep", "\r");
  await waitFor(/Got it\./);
  assert.equal(fake.requests[0]!.prompt.users.at(-1), "keep");
});

test("a permission ask appears inline; a rejection's reason reaches the model", async () => {
  fake.push([{ tool: "read_file", input: { path: "/etc/hostname" } }], "Understood.");
  await type("read the hostname", "\r");
  await waitFor(/Permission needed: read_file on \/etc\/hostname/);
  await type("r", "not needed", "\r");
  await waitFor(/Understood\./);
  assert.match(frame(), /rejected: read_file \/etc\/hostname: not needed/);
  assert.match(JSON.stringify(fake.requests[1]!.body.messages.at(-1)), /not needed/);
});

test("slash commands: /cost reports, Tab switches agent, ? opens help", async () => {
  await type("/cost", "\r");
  await waitFor(/session ses_\w+: 0 input \+ 0 output tokens/);
  await type("\t");
  await waitFor(/│ plan /);
  await type("?");
  await waitFor(/Keys/);
  await type("\x1b");
  await waitFor(/plan ›/);
});

test("letters and Enter arriving in one read after a pause run the command typed, not the one highlighted before", async () => {
  await type("/c");
  await waitFor(/\/classic/);
  await sleep(100); // the menu for "/c" is up, /classic first
  await type("ost\r");
  await waitFor(/session ses_\w+: 0 input \+ 0 output tokens/);
  assert.doesNotMatch(frame(), /layout: classic/);
});

test("↑/↓ go on through history past a recalled slash command: no menu opens for it", async () => {
  for (const line of ["first prompt", "/cost"]) {
    if (!line.startsWith("/")) fake.push("ok");
    await type(line, "\r");
    await waitFor(line.startsWith("/") ? /input \+ \d+ output tokens/ : /ok/);
  }
  await type("\x1b[A");
  await waitFor(/› \/cost/);
  await type("\x1b[A");
  await waitFor(/› first prompt/);
  await type("\x1b[B");
  await waitFor(/› \/cost/);
});

test("the session picker lists this directory's sessions and resumes one; the model picker filters and switches", async () => {
  fake.push("First answer.");
  await type(`remember the llama ${"and its wool ".repeat(3_000)}`, "\r");
  await waitFor(/First answer\./);
  const first = session.getSnapshot().session.id;
  const reported = session.getSnapshot().usage.contextTokens;
  await type("/new", "\r");
  await waitFor(/new session ses_\w+/);
  assert.notEqual(session.getSnapshot().session.id, first);
  assert.ok(session.getSnapshot().usage.contextTokens < reported / 5, "a new session holds little context");

  await type("/sessions", "\r");
  await waitFor(/Sessions in this directory/);
  await type("llama");
  await waitFor(/› remember the llama and its wool/);
  await type("\r");
  await waitFor(new RegExp(`resumed ${first}: remember the llama`));
  assert.equal(session.getSnapshot().session.id, first);
  // The context fill of a resumed session is estimated from what it stores, not 0% until the next step.
  const estimated = session.getSnapshot().usage.contextTokens;
  assert.ok(Math.abs(estimated - reported) < reported * 0.25, `estimated ${estimated}, last reported ${reported}`);
  assert.match(frame(), /ctx (?:[5-9]|\d\d)%/);

  await type("/model", "\r");
  await waitFor(/Model/);
  await type("anthropic sonnet");
  await waitFor(/anthropic\/claude-sonnet/);
  await type("\r");
  await waitFor(/no API key for provider 'anthropic': set ANTHROPIC_API_KEY/);
  await type("/model", "\r");
  await waitFor(/Model/);
  await type("fake", "\r");
  await waitFor(/model: fake\/fake-model/);
});

test("the model's question appears inline; a picked option or a typed answer goes back to the model", async () => {
  fake.push([{ tool: "question", input: { question: "Which file?", options: ["a.ts", "b.ts"] } }], "Using b.ts.");
  await type("pick a file", "\r");
  await waitFor(/Question: Which file\?/);
  await type("\x1b[B", "\r");
  await waitFor(/Using b\.ts\./);
  assert.match(JSON.stringify(fake.requests[1]!.body.messages.at(-1)), /The user answered: b\.ts/);

  fake.push([{ tool: "question", input: { question: "Why?" } }], "Noted.");
  await type("again", "\r");
  await waitFor(/Question: Why\?/);
  await type("because", "\r");
  await waitFor(/Noted\./);
  assert.match(JSON.stringify(fake.requests.at(-1)!.body.messages.at(-1)), /The user answered: because/);
});

test("two questions in one step are asked one after the other; Esc skips one, and the model is told it was skipped", async () => {
  fake.push(
    [
      { tool: "question", input: { question: "First?" } },
      { tool: "question", input: { question: "Second?" } },
    ],
    "Both handled.",
  );
  await type("ask me twice", "\r");
  await waitFor(/Question: First\?/);
  await type("one", "\r");
  await waitFor(/Question: Second\?/);
  await type("\x1b");
  await waitFor(/Both handled\./);
  const results = JSON.stringify(fake.requests.at(-1)!.body.messages.slice(-2));
  assert.match(results, /The user answered: one/);
  assert.match(results, /The user skipped the question/);
});

test("/swarm runs sub-agents; the swarm view lists them live, Tab moves, Enter shows one's transcript, Esc returns", async () => {
  const subtasks = ["scan", "summarise"].map((name) => ({
    name,
    instruction: `${name} the code`,
    needs_worktree: false,
  }));
  fake.push(
    { match: { systemContains: "You split a software task" }, items: [{ text: JSON.stringify({ subtasks }) }] },
    { match: { systemContains: "sub-agent st-1 of" }, items: [{ tool: "list_dir", input: {} }] },
    { match: { systemContains: "sub-agent st-1 of" }, items: [{ text: "scan found nothing" }] },
    { match: { systemContains: "sub-agent st-2 of" }, items: [{ text: "summary: empty project" }], delayMs: 400 },
    { match: { lastUserContains: "# Subtask reports" }, items: [{ text: "The project is empty." }] },
  );
  await type("/swarm look at the project", "\r");
  await waitFor(/Swarm swarm_\w+ · stage 1\/1/);
  await waitFor(/st-2 +summarise +running/);
  await waitFor(/The project is empty\./);
  assert.match(frame(), /swarm swarm_\w+: 2\/2 subtasks in 1 stage\(s\)/);
  // Esc back to the chat; Ctrl+S opens the swarm view again.
  await type("\x1b");
  await waitFor(/build › /);
  await type("\x13");
  await waitFor(/st-1 +scan +completed .*list_dir/);
  await type("\r");
  await waitFor(/› # Your subtask: scan/);
  assert.match(frame(), /✓ list_dir/);
  await type("\t");
  await waitFor(/summary: empty project/);
  await type("\x1b");
  await waitFor(/build › /);
  await type("\x1bOQ");
  await waitFor(/Swarm swarm_\w+ .* 2\/2 done · succeeded/);
});

test("/ralph runs the PRD's stories and the Ralph view follows them; Esc in chat stops a run; a missing PRD is one line", async () => {
  const workspace = join(root, "workspace");
  git(workspace, "init", "-q", "-b", "main");
  writeFileSync(join(workspace, "README.md"), "demo\n");
  git(workspace, "add", ".");
  git(workspace, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "initial");
  writeFileSync(
    join(workspace, "prd.json"),
    JSON.stringify({
      project: "demo",
      feature: "Notes",
      branch_name: "ralph/notes",
      user_stories: [
        { id: "US-001", title: "note", verification_steps: [{ type: "file_exists", path: "NOTE.md" }] },
        { id: "US-002", title: "later", depends_on: ["US-001"] },
      ],
    }),
  );
  fake.push(...storyTurns("US-001", { "NOTE.md": "note\n" }), ...storyTurns("US-002", { "LATER.md": "later\n" }));
  await type("/ralph", "\r");
  const screen = await waitFor(/ralph: completed: 2\/2 stories pass after 2 iterations/, 30_000);
  assert.match(screen, /\[1\] US-001 note/);
  assert.match(screen, /✓ verify 1 \(file_exists\) NOTE.md/);
  assert.match(screen, /Ralph · Notes · completed · iteration 2/);
  assert.match(screen, /✓ US-002 later\s+passed · 1 attempt/);
  assert.equal(git(workspace, "log", "-1", "--format=%s"), "ralph: US-002 later");
  await type("\x1b");
  await waitFor(/build ›/); // back in chat: the next keys are the prompt's, not part of an escape sequence
  await type("/ralph missing.json", "\r");
  await waitFor(/no PRD at .*missing\.json/);

  writeFileSync(
    join(workspace, "slow.json"),
    JSON.stringify({
      project: "demo",
      feature: "Slow",
      branch_name: "ralph/notes",
      user_stories: [{ id: "US-009", title: "slow" }],
    }),
  );
  fake.push({ hang: true, items: [{ text: "thinking" }] });
  await type("/ralph slow.json", "\r");
  await waitFor(/▸ US-009 slow\s+working · 1 attempt/);
  await type("\x1b");
  await waitFor(/build ›/);
  await type("\x1b");
  await waitFor(/ralph: stopped: 0\/1 stories pass after 1 iterations/);
});
