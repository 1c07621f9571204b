// Runs the fake model as its own process: `node --import tsx test/support/fake-model-cli.ts script.json`.
// Prints `{"url": ...}` as the first stdout line, then one `{"request": ...}` line per request; stops on SIGTERM/SIGINT.
import { readFile } from "node:fs/promises";
import { startFakeModel } from "./fake-model.ts";
import type { RecordedRequest, Turn } from "./fake-model.ts";

const file = process.argv[2];
const script: unknown = file === undefined ? [] : JSON.parse(await readFile(file, "utf8"));
if (!Array.isArray(script)) throw new Error(`fake-model-cli: ${file} must hold a JSON array of turns`);

// Log each request so a parent process can follow along without reaching into this one.
const logRequest = ({ method, path, format, model, stream, rawLength }: RecordedRequest) =>
  process.stdout.write(`${JSON.stringify({ request: { method, path, format, model, stream, rawLength } })}\n`);

const fake = await startFakeModel(script as Turn[], { onRequest: logRequest });
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => void fake.close().then(() => process.exit(0)));
}
