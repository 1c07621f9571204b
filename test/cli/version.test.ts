import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { makeSandbox, runCli } from "../support/cli.ts";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

test("-v, -V, --version and version print the version; version --json too", async () => {
  const sandbox = makeSandbox();
  try {
    for (const args of [["-v"], ["-V"], ["--version"], ["version"]]) {
      const r = await runCli(sandbox, args);
      assert.equal(r.code, 0, `${args}: ${r.stderr}`);
      assert.equal(r.stdout, `${version}\n`, args.join(" "));
    }
    const json = JSON.parse((await runCli(sandbox, ["version", "--json"])).stdout);
    assert.equal(json.version, version);
    assert.equal(json.node, process.versions.node);
  } finally {
    sandbox.cleanup();
  }
});
