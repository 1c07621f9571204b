// `codetether completion bash|zsh|fish`: scripts generated from the command tree; the bash one is run in bash.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { makeSandbox, runCli } from "../support/cli.ts";

const sandbox = makeSandbox();
test.after(() => sandbox.cleanup());

/** What bash offers after typing `line` (the last word is being completed), with the script sourced. */
function bashCompletes(script: string, line: string): string[] {
  const words = line.split(" ");
  const program = `${script}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_codetether; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["--norc", "-c", program], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean).sort();
}

test("the bash script completes commands, subcommands and options at any depth", async () => {
  const r = await runCli(sandbox, ["completion", "bash"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(bashCompletes(r.stdout, "codetether se"), ["serve", "sessions"]);
  assert.deepEqual(bashCompletes(r.stdout, "codetether sessions "), ["--help", "delete", "export", "list", "show"]);
  assert.deepEqual(bashCompletes(r.stdout, "codetether sessions export ses_1 --f"), ["--format"]);
  assert.deepEqual(bashCompletes(r.stdout, "codetether run --json --auto"), ["--auto-approve"]);
  assert.deepEqual(bashCompletes(r.stdout, "codetether run --auto-approve "), ["all", "none", "safe"]);
  assert.deepEqual(bashCompletes(r.stdout, "codetether run --auto-approve s"), ["safe"]);
  assert.deepEqual(bashCompletes(r.stdout, "codetether okr approve --auto-approve "), ["all", "none", "safe"]);
  assert.deepEqual(bashCompletes(r.stdout, "codetether run --auto-approve safe --js"), ["--json"]);
});

test("zsh reuses the bash script through bashcompinit; fish gets complete lines with descriptions", async () => {
  const zsh = await runCli(sandbox, ["completion", "zsh"]);
  assert.match(zsh.stdout, /^autoload -U \+X bashcompinit && bashcompinit$/m);
  assert.match(zsh.stdout, /^complete -o default -F _codetether codetether$/m);
  const fish = await runCli(sandbox, ["completion", "fish"]);
  assert.match(fish.stdout, /^complete -c codetether -n '__fish_use_subcommand' -a sessions -d 'List, show/m);
  assert.match(
    fish.stdout,
    /^complete -c codetether -n '__fish_seen_subcommand_from sessions; and not __fish_seen_subcommand_from list show export delete' -a show /m,
  );
  assert.match(
    fish.stdout,
    /^complete -c codetether -n '__fish_seen_subcommand_from run' -l auto-approve -x -a 'all safe none' -d /m,
  );
  const bad = await runCli(sandbox, ["completion", "tcsh"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Allowed choices are bash, zsh, fish/);
});
