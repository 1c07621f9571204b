import { spawn } from "node:child_process";
import { Server, type Server as NetServer } from "node:net";

/**
 * Node 20's libuv accepts one connection per turn of the event loop (libuv#3696): while a busy server's turns take
 * several milliseconds (hundreds of streams, a garbage collection), new connections wait in the kernel's queue,
 * one turn each, and a burst of them waits tens of milliseconds. Each extra acceptor watches a duplicate of the
 * listening socket and hands what it accepts to `server`, so a turn accepts up to `1 + count` connections.
 * The duplicates are made as the cluster module shares a listening socket: sent to a short-lived child process
 * over IPC and sent back, each transfer arriving as a new descriptor. Resolves with a function that closes them;
 * if they cannot be made, `server` accepts alone, as it did.
 */
export async function addExtraAcceptors(server: NetServer, count: number): Promise<() => void> {
  if (count <= 0 || process.platform === "win32") return () => {};
  const acceptors = (await duplicates(server, count)).map((handle) => new Server().listen(handle));
  for (const acceptor of acceptors) acceptor.on("connection", (socket) => server.emit("connection", socket));
  return () => {
    for (const acceptor of acceptors) acceptor.close();
  };
}

// The child echoes the socket it gets back `count` times, then closes its own copy and exits; it needs nothing of
// ours, environment included. (A "message" listener keeps the channel open until the sends are acknowledged: with
// `once` the child could exit first.) It gets and sends the bare handle: given a net.Server, Node would have the child
// listen on it, and accept (and lose) connections meant for serve until it exits.
const ECHO = `process.on("message", (count, handle) => {
  for (let i = 1; i <= count; i++)
    process.send("socket", handle, () => {
      if (i < count) return;
      handle.close();
      process.disconnect();
    });
});`;
/** A child that has not answered by then is stopped, and serve accepts alone. */
const TIMEOUT_MS = 10_000;

/** The listening socket's handle, as Node's child_process sends it (the cluster module sends it so). */
interface SocketHandle {
  close(): void;
}

function duplicates(server: NetServer, count: number): Promise<SocketHandle[]> {
  const handle = (server as unknown as { _handle?: SocketHandle })._handle;
  if (!handle) return Promise.reject(new Error("the server is not listening"));
  return new Promise((resolve, reject) => {
    const received: SocketHandle[] = [];
    const child = spawn(process.execPath, ["-e", ECHO], {
      stdio: ["ignore", "ignore", "ignore", "ipc"],
      env: {},
      timeout: TIMEOUT_MS,
    });
    child.on("message", (_message, copy) => received.push(copy as SocketHandle));
    child.once("error", reject);
    child.once("exit", () => {
      if (received.length === count) return resolve(received);
      for (const copy of received) copy.close();
      reject(new Error(`got ${received.length} of ${count} copies of the listening socket`));
    });
    child.send(count, handle as never);
  });
}
