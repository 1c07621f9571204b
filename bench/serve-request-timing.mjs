// Bench-only preload for serve (bench/serve-streams.ts passes it with --import): for each request carrying
// `x-bench-sent-at` (when the client sent it, ms since the epoch), one stderr line saying when serve accepted
// the connection (if that request opened it), saw the request, and wrote its first byte, on the same clock.
// It splits the client's time to the first event into what passed before serve saw the request and after.
import http from "node:http";

const acceptedAt = Symbol("acceptedAt");
const now = () => performance.timeOrigin + performance.now();
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  if (event === "connection") args[0][acceptedAt] = now();
  else if (event === "request") track(args[0], args[1]);
  return emit.call(this, event, ...args);
};

function track(req, res) {
  const sentAt = Number(req.headers["x-bench-sent-at"]);
  if (!sentAt) return;
  const accepted = req.socket[acceptedAt];
  req.socket[acceptedAt] = undefined; // a kept-alive connection's next request did not wait for it
  const seenAt = now();
  const { write, end } = res;
  const firstByte = () => {
    res.write = write;
    res.end = end;
    const timing = { sentAt, acceptedAt: accepted, seenAt, firstByteAt: now() };
    process.stderr.write(`${JSON.stringify({ benchRequest: timing })}\n`);
  };
  res.write = function (...chunk) {
    firstByte();
    return write.apply(this, chunk);
  };
  res.end = function (...chunk) {
    firstByte();
    return end.apply(this, chunk);
  };
}
