import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { busOptionsFrom, createBus } from "../../src/bus/index.ts";

describe("createBus options", () => {
  it("is in-process without a URL", async () => {
    const bus = await createBus(busOptionsFrom({}, {}));
    assert.equal(bus.transport, "in-process");
    await bus.close();
  });

  it("takes the URL from CODETETHER_BUS_URL before config [bus] url", () => {
    const config = { bus: { url: "nats://config:4222", queue_size: 64 } };
    assert.deepEqual(busOptionsFrom(config, {}), {
      url: "nats://config:4222",
      subjectPrefix: undefined,
      resultsBucket: undefined,
      queueSize: 64,
    });
    assert.equal(busOptionsFrom(config, { CODETETHER_BUS_URL: "nats://env:4222" }).url, "nats://env:4222");
  });

  it("rejects bad config with a one-line message", () => {
    assert.throws(
      () => busOptionsFrom({ bus: { url: "http://x" } }, {}),
      /^UserError: invalid \[bus\] config: url must start with nats:\/\/ or tls:\/\/$/,
    );
    assert.throws(() => busOptionsFrom({}, { CODETETHER_BUS_URL: "redis://x" }), /invalid bus URL 'redis:\/\/x'/);
  });

  it("says which server it could not reach", async () => {
    await assert.rejects(
      createBus({ url: "nats://127.0.0.1:1" }),
      /^BusError: cannot connect to the NATS bus at nats:\/\/127\.0\.0\.1:1: /,
    );
    // Each server's password is masked, the second of a list too.
    await assert.rejects(
      createBus({ url: "nats://a:PW-ONE@127.0.0.1:1,nats://b:PW-TWO@127.0.0.1:2" }),
      (error: Error) => {
        assert.match(error.message, /nats:\/\/a:\*\*\*\*@127\.0\.0\.1:1,nats:\/\/b:\*\*\*\*@127\.0\.0\.1:2/);
        assert.doesNotMatch(error.message, /PW-ONE|PW-TWO/);
        return true;
      },
    );
  });
});
