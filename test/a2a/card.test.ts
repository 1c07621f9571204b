// The agent card as conformance tools and both SDK client generations see it: the shape per path and
// A2A-Version, caching headers, the extended card on every transport, and a connection from each interface.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AgentCard } from "@a2a-js/sdk";
import type { AgentCard as AgentCard03 } from "a2a-sdk-v03";
import { clientFromCard, connectA2A, type TransportName } from "../../src/a2a/client.ts";
import { makeSandbox } from "../support/cli.ts";
import { V03_CARD_PATH, v03Factory } from "./peers.ts";
import { bodyOf, startServe, TOKEN, useServe } from "./serve-process.ts";

const running = useServe();

async function fetchCard(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${running.serve.endpoints.http}${path}`, { headers });
}

const CARD = "/.well-known/agent-card.json";
const REQUIRED = ["name", "description", "supportedInterfaces", "version", "capabilities", "skills"];

test("a fetch of /.well-known/agent-card.json without A2A-Version is a pure 1.0 AgentCard", async () => {
  const card = await bodyOf(await fetchCard(CARD));
  // The 1.0 AgentCard admits no field outside a2a.proto, in ProtoJSON form: a parse and re-serialization
  // through the proto-generated type drops anything else (0.3's url, preferredTransport, `type` schemes…).
  assert.deepEqual(AgentCard.toJSON(AgentCard.fromJSON(card)), card);
  for (const field of REQUIRED) assert.ok(card[field] !== undefined && card[field] !== "", `${field} is required`);
  assert.ok(card.defaultInputModes.length > 0 && card.defaultOutputModes.length > 0);
  for (const i of card.supportedInterfaces) assert.ok(i.url && i.protocolBinding && i.protocolVersion, i.url);
  assert.equal(card.supportedInterfaces[0].protocolVersion, "1.0");
  assert.ok(card.securitySchemes.bearer.httpAuthSecurityScheme);
});

test("the 0.3 card: /.well-known/agent.json without the header, or A2A-Version: 0.3 on either path", async () => {
  for (const [path, headers] of [
    [V03_CARD_PATH, {}],
    [CARD, { "a2a-version": "0.3" }],
  ] as const) {
    const card = await bodyOf(await fetchCard(path, headers));
    assert.equal(card.protocolVersion, "0.3", path);
    assert.equal(card.url, running.serve.endpoints.jsonrpc);
    assert.equal(card.preferredTransport, "JSONRPC");
  }
  const v1 = await bodyOf(await fetchCard(V03_CARD_PATH, { "a2a-version": "1.0" }));
  assert.equal(v1.url, undefined);
  assert.ok(v1.supportedInterfaces.length > 0);
});

test("the card carries ETag, Last-Modified and Cache-Control; If-Modified-Since and If-None-Match get 304", async () => {
  for (const path of [CARD, V03_CARD_PATH]) {
    const res = await fetchCard(path);
    const lastModified = res.headers.get("last-modified");
    const etag = res.headers.get("etag");
    assert.ok(lastModified && Date.parse(lastModified) <= Date.now(), `${path}: Last-Modified ${lastModified}`);
    assert.ok(etag, `${path}: ETag`);
    assert.match(res.headers.get("cache-control") ?? "", /max-age=\d+/);
    // fetch() adds `Cache-Control: no-cache` to a conditional request (a forced reload) unless one is set.
    const revalidate = (header: string, value: string) =>
      fetchCard(path, { [header]: value, "cache-control": "max-age=0" });
    assert.equal((await revalidate("if-modified-since", lastModified)).status, 304);
    assert.equal((await revalidate("if-none-match", etag)).status, 304);
    assert.equal((await revalidate("if-modified-since", "Thu, 01 Jan 2015 00:00:00 GMT")).status, 200);
  }
});

/** The extended card adds one `tool.*` skill per tool to the public card. */
function hasToolSkills(card: { skills: Array<{ id: string }> }, where: string): void {
  assert.ok(
    card.skills.some((s) => s.id.startsWith("tool.")),
    `${where}: ${card.skills.map((s) => s.id)}`,
  );
}

test("the extended card: declared by every card shape, served on every transport and version", async () => {
  const v1 = await bodyOf(await fetchCard(CARD));
  assert.equal(v1.capabilities.extendedAgentCard, true);
  const v03 = await bodyOf(await fetchCard(V03_CARD_PATH));
  assert.equal(v03.supportsAuthenticatedExtendedCard, true);

  const { http, jsonrpc, rest } = running.serve.endpoints;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const rpc = async (method: string, headers: Record<string, string>) => {
    const res = await fetch(jsonrpc, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", ...headers },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: {} }),
    });
    return (await bodyOf(res)).result;
  };
  hasToolSkills(await rpc("GetExtendedAgentCard", { "a2a-version": "1.0" }), "1.0 JSON-RPC");
  hasToolSkills(await rpc("agent/getAuthenticatedExtendedCard", {}), "0.3 JSON-RPC");
  hasToolSkills(
    await bodyOf(await fetch(`${rest}/extendedAgentCard`, { headers: { ...auth, "a2a-version": "1.0" } })),
    "1.0 REST",
  );
  hasToolSkills(await bodyOf(await fetch(`${rest}/v1/card`, { headers: auth })), "0.3 REST");
  const grpc = await connectA2A(http, { token: TOKEN, transport: "GRPC" });
  hasToolSkills(await grpc.client.getAgentCard(), "1.0 gRPC");
  const grpc03 = await (await v03Factory(TOKEN, "GRPC")).createFromUrl(http, V03_CARD_PATH);
  hasToolSkills(await grpc03.getAgentCard(), "0.3 gRPC");
});

/** A call that reaches the server's task store: an unknown id answers TaskNotFound. */
async function reachesServer(getTask: () => Promise<unknown>, where: string): Promise<void> {
  await assert.rejects(getTask, /not found/i, where);
}

test("each interface of the 1.0 card is a URL, and the 1.3.0 client connects from it alone", async () => {
  const card = AgentCard.fromJSON(await bodyOf(await fetchCard(CARD)));
  assert.equal(card.supportedInterfaces.length, 6);
  for (const iface of card.supportedInterfaces) {
    const where = `${iface.protocolBinding} ${iface.protocolVersion} at ${iface.url}`;
    // A URL parser must read the scheme right (a bare `host:port` is read as scheme `host:`, or refused).
    const scheme = URL.canParse(iface.url) ? new URL(iface.url).protocol : "unparsable";
    assert.equal(scheme, iface.protocolBinding === "GRPC" ? "dns:" : "http:", where);
    const { client, transport, protocolVersion } = await clientFromCard(
      { ...card, supportedInterfaces: [iface] },
      { token: TOKEN },
    );
    assert.equal(transport, iface.protocolBinding, where);
    assert.equal(protocolVersion, iface.protocolVersion, where);
    await reachesServer(() => client.getTask({ tenant: "", id: "nope", historyLength: undefined }), where);
  }
});

test("the 0.3.14 client connects from each interface of the 0.3 card alone", async () => {
  const card = (await bodyOf(await fetchCard(V03_CARD_PATH))) as AgentCard03;
  const interfaces = [{ transport: card.preferredTransport!, url: card.url }, ...card.additionalInterfaces!];
  assert.deepEqual(interfaces.map((i) => i.transport).sort(), ["GRPC", "HTTP+JSON", "JSONRPC"]);
  for (const { transport } of interfaces) {
    const client = await (await v03Factory(TOKEN, transport as TransportName)).createFromAgentCard(card);
    await reachesServer(() => client.getTask({ id: "nope" }), `0.3 ${transport}`);
  }
});

test("[server] preferred_transport puts its binding first in both card shapes; clients follow it", async () => {
  const serve = await startServe({ fake: running.fake, toml: 'preferred_transport = "GRPC"\n' });
  try {
    const { http } = serve.endpoints;
    const v1 = await bodyOf(await fetch(`${http}${CARD}`));
    assert.deepEqual(
      v1.supportedInterfaces.map((i: { protocolBinding: string }) => i.protocolBinding),
      ["GRPC", "JSONRPC", "HTTP+JSON", "GRPC", "JSONRPC", "HTTP+JSON"],
    );
    const v03 = await bodyOf(await fetch(`${http}${V03_CARD_PATH}`));
    assert.equal(v03.preferredTransport, "GRPC");
    assert.equal(v03.url, v1.supportedInterfaces[0].url);
    assert.equal((await connectA2A(http, { token: TOKEN })).transport, "GRPC");
    const client03 = await (await v03Factory(TOKEN)).createFromUrl(http, V03_CARD_PATH);
    await reachesServer(() => client03.getTask({ id: "nope" }), "0.3 preferred");
  } finally {
    await serve.stop();
    serve.sandbox.cleanup();
  }
});

test("an unknown preferred_transport stops serve with one line naming the key", async () => {
  const sandbox = makeSandbox();
  try {
    await assert.rejects(
      startServe({ fake: running.fake, sandbox, toml: 'preferred_transport = "SMTP"\n' }),
      (error: Error) => /server\.preferred_transport/.test(error.message) && !/\n\s+at /.test(error.message),
    );
  } finally {
    sandbox.cleanup();
  }
});

test("[server] public_url (CODETETHER_PUBLIC_URL wins) names every interface in every card shape; headers cannot", async () => {
  const serve = await startServe({
    fake: running.fake,
    toml: 'public_url = "http://ignored.example:1"\n',
    env: { CODETETHER_PUBLIC_URL: "https://agents.example.com/team/" },
  });
  try {
    const { http, grpc } = serve.endpoints;
    const grpcPort = grpc.slice(grpc.lastIndexOf(":") + 1);
    const expected = {
      JSONRPC: "https://agents.example.com/team/a2a",
      "HTTP+JSON": "https://agents.example.com/team/a2a/rest",
      GRPC: `dns:///agents.example.com:${grpcPort}`,
    };
    // A client's forwarding headers are not trusted: they must not change what the card names.
    const forwarded = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "http", "x-forwarded-prefix": "/x" };
    for (const headers of [{}, { "a2a-version": "1.0" }, forwarded] as Array<Record<string, string>>) {
      const v1 = await bodyOf(await fetch(`${http}${CARD}`, { headers }));
      for (const i of v1.supportedInterfaces as Array<{ url: string; protocolBinding: keyof typeof expected }>)
        assert.equal(i.url, expected[i.protocolBinding], JSON.stringify(headers));
    }
    for (const [path, headers] of [
      [V03_CARD_PATH, {}],
      [CARD, { "a2a-version": "0.3" }],
      [V03_CARD_PATH, forwarded],
    ] as const) {
      const v03 = (await bodyOf(await fetch(`${http}${path}`, { headers }))) as AgentCard03;
      assert.equal(v03.url, expected.JSONRPC, path);
      for (const i of v03.additionalInterfaces!)
        assert.equal(i.url, expected[i.transport as keyof typeof expected], `${path} ${i.transport}`);
    }
  } finally {
    await serve.stop();
    serve.sandbox.cleanup();
  }
});

test("a public_url that is not an http(s) URL stops serve with one line naming the key or variable", async () => {
  for (const [setup, named] of [
    [{ toml: 'public_url = "agents.example.com:443"\n' }, /server\.public_url/],
    [{ env: { CODETETHER_PUBLIC_URL: "ftp://agents.example.com" } }, /CODETETHER_PUBLIC_URL/],
  ] as const) {
    const sandbox = makeSandbox();
    try {
      await assert.rejects(
        startServe({ fake: running.fake, sandbox, ...setup }),
        (error: Error) =>
          /serve exited with [1-9]/.test(error.message) &&
          named.test(error.message) &&
          /http:\/\/ or https:\/\//.test(error.message) &&
          !/\n\s+at /.test(error.message),
      );
    } finally {
      sandbox.cleanup();
    }
  }
});
