// Bytes of the first request body the CLI sends to the model: system prompt + every default tool schema +
// a short user message. Goal: ≤ 9,000 bytes (peers send 30–50 KB). Needs a built CLI (npm run build).
import { createCliWorld } from "../test/tool/cli-harness.ts";

const GOAL = 9000;
const world = await createCliWorld(["done"]);
try {
  const result = await world.run(["say hi"]);
  const request = world.fake.requests[0];
  if (!request) throw new Error(`the CLI sent no request (exit ${result.code}): ${result.stderr.trim()}`);
  const tools: Array<{ function: { name: string; description: string; parameters: unknown } }> =
    request.body.tools ?? [];
  const toolBytes = tools.map((t) => ({ name: t.function.name, bytes: Buffer.byteLength(JSON.stringify(t)) }));
  console.log(
    `first request body: ${request.rawLength} bytes (goal ≤ ${GOAL}) ${request.rawLength <= GOAL ? "ok" : "OVER"}`,
  );
  console.log(
    `system prompt: ${Buffer.byteLength(request.prompt.system)} bytes; ${tools.length} tools: ${toolBytes.reduce((n, t) => n + t.bytes, 0)} bytes`,
  );
  for (const t of toolBytes.sort((a, b) => b.bytes - a.bytes)) console.log(`  ${t.name.padEnd(12)} ${t.bytes}`);
} finally {
  await world.dispose();
}
