// The CLI registers only the command invoked when argv names it (src/cli/commands/index.ts): each command's
// help, errors and global options must be what they are with the whole table registered.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Command } from "commander";
import { COMMANDS, registerCommands } from "../../src/cli/commands/index.ts";
import { makeSandbox, runCli } from "../support/cli.ts";

const sandbox = makeSandbox();
test.after(() => sandbox.cleanup());

test("each command is registered under its own name; the invoked one alone when argv names it", () => {
  for (const [name, command] of Object.entries(COMMANDS)) assert.equal(command().name(), name);
  const names = (argv: string[]) => {
    const program = new Command("codetether");
    registerCommands(program, argv);
    return program.commands.map((command) => command.name());
  };
  assert.deepEqual(names(["run", "hi"]), ["run"]);
  assert.deepEqual(names(["--config", "f.toml", "run"]), ["run"]);
  assert.deepEqual(names(["--config=f.toml", "sessions", "list"]), ["sessions"]);
  for (const argv of [[], ["--help"], ["help", "run"], ["rn"], ["completion", "bash"], ["-h", "run"]])
    assert.deepEqual(names(argv), Object.keys(COMMANDS), argv.join(" "));
});

test("`codetether NAME --help` is what `codetether help NAME` prints with every command registered", async () => {
  await Promise.all(
    Object.keys(COMMANDS).map(async (name) => {
      const [alone, whole] = await Promise.all([
        runCli(sandbox, ["--config", sandbox.configPath, name, "--help"]),
        runCli(sandbox, ["help", name]),
      ]);
      assert.equal(alone.code, 0, alone.stderr);
      assert.ok(alone.stdout.startsWith(`Usage: codetether ${name} `), alone.stdout);
      assert.equal(alone.stdout, whole.stdout, name);
    }),
  );
});

test("every command's --help, groups of subcommands included, ends with examples", () => {
  const helpOf = (command: Command) => {
    let text = "";
    command.configureOutput({ writeOut: (chunk) => (text += chunk) });
    command.outputHelp();
    return text;
  };
  const missing: string[] = [];
  const visit = (command: Command, path: string) => {
    if (!/\nExamples:\n {2}\$ /.test(helpOf(command))) missing.push(path);
    for (const sub of command.commands) if (sub.name() !== "help") visit(sub, `${path} ${sub.name()}`);
  };
  for (const [name, command] of Object.entries(COMMANDS)) visit(command(), name);
  assert.deepEqual(missing, []);
});

test("an unknown command or option is still reported with a suggestion", async () => {
  const command = await runCli(sandbox, ["rn", "hi"]);
  assert.equal(command.code, 1);
  assert.match(command.stderr, /unknown command 'rn'\n\(Did you mean run\?\)/);
  const option = await runCli(sandbox, ["run", "--modl", "x", "hi"]);
  assert.equal(option.code, 1);
  assert.match(option.stderr, /unknown option '--modl'\n\(Did you mean --model\?\)/);
});
