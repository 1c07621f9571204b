// The scripted model as its own process (`npm run demo` runs it): `node dist/scripted-model.cjs [script.json]`,
// or `node --import tsx src/scripted-model/main.ts [script.json]` from the sources. The script is a JSON array
// of turns. Prints `{"url": ...}` as the first stdout line, then one `{"request": ...}` line per request;
// stops on SIGTERM/SIGINT.
import { readFile } from "node:fs/promises";
import { startScriptedModel } from "./server.ts";
import type { RecordedRequest, Turn } from "./script.ts";

const file = process.argv[2];
const script: unknown = file === undefined ? [] : JSON.parse(await readFile(file, "utf8"));
if (!Array.isArray(script)) {
  process.stderr.write(`scripted-model: ${file} must hold a JSON array of turns\n`);
  process.exit(2);
}

// Log each request so a parent process can follow along without reaching into this one.
const logRequest = ({ method, path, format, model, stream, rawLength }: RecordedRequest) =>
  process.stdout.write(`${JSON.stringify({ request: { method, path, format, model, stream, rawLength } })}\n`);

const model = await startScriptedModel(script as Turn[], { onRequest: logRequest });
process.stdout.write(`${JSON.stringify({ url: model.url })}\n`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => void model.close().then(() => process.exit(0)));
}
