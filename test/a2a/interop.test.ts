import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, test } from "node:test";
import { v03Peer, v1Peer, type Peer, type PeerEvent } from "./peers.ts";
import { useServe, TOKEN, waitFor } from "./serve-process.ts";

const running = useServe();

/** A fresh tag per prompt, so each test's scripted turn answers only its own request. */
function scripted(answer: string): string {
  const tag = `tag-${randomUUID()}`;
  running.fake.push({ match: { lastUserContains: tag }, items: [{ text: answer }] });
  return `${tag}: please answer`;
}

/** A prompt whose model turn streams a little, then hangs until the request is aborted. */
function hanging(): { prompt: string; reached: () => Promise<unknown> } {
  const tag = `hang-${randomUUID()}`;
  running.fake.push({ match: { lastUserContains: tag }, hang: true, items: [{ text: "starting…" }] });
  return {
    prompt: tag,
    reached: () =>
      waitFor(
        () => running.fake.requests.find((r) => r.prompt.users.some((u) => u.includes(tag))),
        "the model request",
      ),
  };
}

async function collect(events: AsyncGenerator<PeerEvent>): Promise<PeerEvent[]> {
  const all: PeerEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const PEERS: Array<[string, () => Promise<Peer>]> = [
  ["1.0 JSONRPC", () => v1Peer(running.serve.endpoints.http, TOKEN, "JSONRPC")],
  ["1.0 HTTP+JSON", () => v1Peer(running.serve.endpoints.http, TOKEN, "HTTP+JSON")],
  ["1.0 GRPC", () => v1Peer(running.serve.endpoints.http, TOKEN, "GRPC")],
  ["0.3 JSONRPC", () => v03Peer(running.serve.endpoints.http, TOKEN, "JSONRPC")],
  ["0.3 HTTP+JSON", () => v03Peer(running.serve.endpoints.http, TOKEN, "HTTP+JSON")],
  ["0.3 GRPC", () => v03Peer(running.serve.endpoints.http, TOKEN, "GRPC")],
];

for (const [name, connect] of PEERS) {
  describe(`interop: ${name}`, () => {
    let peer: Peer;
    before(async () => {
      peer = await connect();
    });

    test("the client negotiated the expected spec version", () => {
      assert.equal(peer.protocolVersion, name.startsWith("0.3") ? "0.3" : "1.0");
    });

    test("send blocks until completed; the answer is an artifact", async () => {
      const prompt = scripted("The answer is 42.");
      const task = await peer.send(prompt);
      assert.equal(task.state, "completed");
      assert.equal(task.answer, "The answer is 42.");
      assert.deepEqual(task.history, [prompt, "The answer is 42."], "the conversation, without the progress updates");
    });

    test("stream: the task first, working updates, the answer artifact, completed last", async () => {
      const prompt = scripted("Streamed answer.");
      const events = await collect(peer.stream(prompt));
      assert.equal(events[0]!.kind, "task");
      assert.ok(events.some((e) => e.kind === "status" && e.state === "working"));
      assert.ok(events.some((e) => e.kind === "artifact" && e.text === "answer"));
      const last = events.at(-1)!;
      assert.equal(last.kind, "status");
      assert.equal(last.state, "completed");
      assert.equal(last.text, "Streamed answer.");
      const stored = await peer.get(events[0]!.taskId!);
      assert.deepEqual(stored.history, [prompt, "Streamed answer."], "streamed text is not kept in fragments");
    });

    test("get returns the stored task", async () => {
      const sent = await peer.send(scripted("stored"));
      const got = await peer.get(sent.id);
      assert.equal(got.id, sent.id);
      assert.equal(got.state, "completed");
      assert.equal(got.answer, "stored");
    });

    test("a contextId continues the same session (multi-turn)", async () => {
      const first = await peer.send(scripted("first reply"));
      const secret = `remember-${randomUUID()}`;
      const second = await peer.send(scripted("second reply").replace("please answer", secret), {
        contextId: first.contextId,
      });
      assert.equal(second.contextId, first.contextId);
      assert.equal(second.state, "completed");
      const request = running.fake.requests.find((r) => r.prompt.users.some((u) => u.includes(secret)))!;
      assert.equal(request.prompt.users.length, 2, "the second turn's model request carries the first turn");
    });

    if (!name.startsWith("0.3")) {
      test("list pages with a token", async () => {
        await peer.send(scripted("one"));
        await peer.send(scripted("two"));
        const first = await peer.list!(1);
        assert.equal(first.ids.length, 1);
        assert.ok(first.next, "a next page token");
        assert.ok(first.total >= 2);
        const second = await peer.list!(1, first.next);
        assert.equal(second.ids.length, 1);
        assert.notEqual(second.ids[0], first.ids[0]);
      });
    }

    test("cancel aborts a running task: canceled", async () => {
      const { prompt, reached } = hanging();
      const task = await peer.send(prompt, { immediate: true });
      await reached();
      const canceled = await peer.cancel(task.id);
      assert.equal(canceled.state, "canceled");
      assert.equal((await peer.get(task.id)).state, "canceled");
      await assert.rejects(peer.cancel(task.id), /not cancelable|cannot be canceled/i, "the spec's TaskNotCancelable");
    });

    test("resubscribe: the task first, then its updates until canceled", async () => {
      const { prompt, reached } = hanging();
      const task = await peer.send(prompt, { immediate: true });
      await reached();
      const stream = peer.resubscribe(task.id);
      const first = await stream.next();
      assert.equal(first.value?.kind, "task");
      const rest = collect(stream);
      await peer.cancel(task.id);
      const events = await rest;
      assert.equal(events.at(-1)?.state, "canceled");
    });

    test("push notification config: create, get, list, delete", async () => {
      const task = await peer.send(scripted("push target"));
      const url = `http://127.0.0.1:9/hook-${randomUUID()}`;
      const id = await peer.pushCreate(task.id, url, "hook-secret");
      assert.ok(id, "the server assigns an id");
      assert.equal(await peer.pushGet(task.id, id), url);
      assert.deepEqual(await peer.pushList(task.id), [id]);
      await peer.pushDelete(task.id, id);
      assert.deepEqual(await peer.pushList(task.id), []);
    });
  });
}
