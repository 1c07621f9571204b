// webfetch refuses private, loopback and link-local addresses, on the first request and on every redirect,
// unless a [permission.private_network] rule allows the URL.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { fakeProviderToml, jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { privateAddressOf } from "../../src/util/private-address.ts";

let reached = 0;
const server = createServer((req, res) => {
  reached++;
  if (req.url === "/away") {
    // To the same server by another name: localhost is loopback too, and no rule allows it.
    res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/page` }).end();
    return;
  }
  res.writeHead(200, { "content-type": "text/plain" }).end("inside page");
});
let page = "";
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  page = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

async function fetchAll(t: ReturnType<typeof useFakeModelSandbox>, urls: string[], toml = "") {
  t.sandbox.writeConfig(fakeProviderToml(t.fake.url) + toml);
  t.fake.push(
    urls.map((url, i) => ({ tool: "webfetch", input: { url, timeout: 5 }, id: `fetch_${i}` })),
    "done",
  );
  const run = await runCli(t.sandbox, ["run", "--json", "-m", "fake/fake-model", "fetch"]);
  assert.equal(run.code, 0, run.stderr);
  const events = jsonLines(run.stdout).filter((e) => e.type === "tool-completed" || e.type === "tool-error");
  return urls.map((_, i) => events.find((e) => e.callId === `fetch_${i}`)!);
}

describe("webfetch", () => {
  const t = useFakeModelSandbox();

  test("refuses loopback, private and link-local addresses by default", async () => {
    reached = 0;
    const results = await fetchAll(t, [`${page}/page`, "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/"]);
    for (const [i, address] of ["127.0.0.1", "10.1.2.3", "169.254.169.254"].entries()) {
      assert.equal(results[i]!.type, "tool-error", JSON.stringify(results[i]));
      assert.match(results[i]!.error, new RegExp(`private or loopback address ${address.replaceAll(".", "\\.")}`));
      assert.match(results[i]!.error, /\[permission\.private_network\]/);
    }
    assert.equal(reached, 0, "nothing was requested");
  });

  test("fetches an address a rule allows, but not a redirect from it to a host no rule allows", async () => {
    const toml = `[permission.private_network]\n"${page}/*" = "allow"\n`;
    const [allowed, redirected] = await fetchAll(t, [`${page}/page`, `${page}/away`], toml);
    assert.equal(allowed!.type, "tool-completed", JSON.stringify(allowed));
    assert.equal(allowed!.output, "inside page");
    assert.equal(redirected!.type, "tool-error", JSON.stringify(redirected));
    assert.match(redirected!.error, /http:\/\/localhost:\d+\/page resolves to the private or loopback address/);
  });
});

test("a host is private when any address it resolves to is", async () => {
  const resolver = async (host: string) =>
    ({ "public.test": ["93.184.216.34"], "rebind.test": ["93.184.216.34", "127.0.0.1"], "v6.test": ["fe80::1"] })[
      host
    ] ?? [];
  assert.equal(await privateAddressOf("public.test", resolver), undefined);
  assert.equal(await privateAddressOf("rebind.test", resolver), "127.0.0.1");
  assert.equal(await privateAddressOf("v6.test", resolver), "fe80::1");
  assert.equal(await privateAddressOf("[::1]", resolver), "::1");
  assert.equal(await privateAddressOf("100.64.0.1", resolver), "100.64.0.1");
  assert.equal(await privateAddressOf("8.8.8.8", resolver), undefined);
  assert.equal(await privateAddressOf("unknown.test", resolver), undefined);
});
