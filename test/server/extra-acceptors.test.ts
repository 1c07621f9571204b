// Extra acceptors: duplicates of a listening socket, so that one turn of a busy event loop accepts several
// connections (Node 20's libuv accepts one per turn). Real sockets, a real child process for the duplicates, and
// serve itself holding them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { describe, it } from "node:test";
import { addExtraAcceptors } from "../../src/server/extra-acceptors.ts";
import { startFakeModel } from "../support/fake-model.ts";
import { startServe, waitFor } from "../a2a/serve-process.ts";

const unix = { skip: process.platform === "win32" ? "no duplicates of a socket on Windows" : false };

async function listening(onConnection: () => void): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    onConnection();
    socket.destroy();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as AddressInfo).port };
}

/** Opens `count` connections from another process and returns once the kernel has queued them all for us. */
function connectWhileBlocked(port: number, count: number): void {
  const connect = `let open = 0;
for (let i = 0; i < ${count}; i++)
  require("net").connect(${port}, "127.0.0.1").once("connect", () => ++open === ${count} && process.exit(0));`;
  // spawnSync holds this event loop still, as a busy turn would, while the connections arrive.
  const result = spawnSync(process.execPath, ["-e", connect], { timeout: 10_000 });
  assert.equal(result.status, 0, String(result.stderr));
}

describe("extra acceptors", unix, () => {
  it("let one turn of the event loop accept a connection on each copy of the listening socket", async () => {
    let turn = 0;
    const acceptedOnTurn: number[] = [];
    const { server, port } = await listening(() => acceptedOnTurn.push(turn));
    const close = await addExtraAcceptors(server, 3);
    try {
      connectWhileBlocked(port, 8);
      // A turn ends with its check phase: setImmediate counts turns.
      let counting = true;
      const count = () => {
        turn++;
        if (counting) setImmediate(count);
      };
      setImmediate(count);
      await waitFor(() => (acceptedOnTurn.length === 8 ? true : undefined), "8 connections accepted");
      counting = false;
      assert.equal(new Set(acceptedOnTurn).size, 2, `accepted on turns ${acceptedOnTurn.join(" ")}`);
    } finally {
      close();
      server.close();
    }
  });

  it("release the port when closed with the server", async () => {
    const { server, port } = await listening(() => {});
    const close = await addExtraAcceptors(server, 3);
    close();
    server.close();
    await once(server, "close");
    const again = createServer();
    again.listen(port, "127.0.0.1");
    await once(again, "listening"); // EADDRINUSE while any copy were open
    again.close();
  });

  it(
    "are held by serve: its HTTP listening socket is open on four descriptors",
    {
      skip: process.platform === "linux" ? false : "reads /proc",
    },
    async () => {
      const fake = await startFakeModel();
      const serve = await startServe({ fake });
      try {
        const port = Number(new URL(serve.endpoints.http).port);
        const inode = listeningInode(port);
        const copies = () => {
          const fds = readdirSync(`/proc/${serve.child.pid}/fd`);
          const count = fds.filter(
            (fd) => safeReadlink(`/proc/${serve.child.pid}/fd/${fd}`) === `socket:[${inode}]`,
          ).length;
          return count === 4 ? count : undefined;
        };
        assert.equal(await waitFor(copies, "serve's listening socket on four descriptors"), 4);
      } finally {
        await serve.stop();
        await fake.close();
        serve.sandbox.cleanup();
      }
    },
  );
});

/** The inode of the IPv4 socket listening on `port` (/proc/net/tcp: state 0A is LISTEN). */
function listeningInode(port: number): string {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const line = readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .map((row) => row.trim().split(/\s+/))
    .find((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A");
  assert.ok(line, `nothing listens on port ${port}`);
  return line[9]!;
}

function safeReadlink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined; // a descriptor closed meanwhile
  }
}
