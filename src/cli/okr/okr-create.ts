import { UserError } from "../../contracts/errors.ts";
import type { NewKeyResult } from "../../okr/service.ts";
import { OkrValidationError } from "../../okr/validation.ts";
import { painter, printJson } from "../output.ts";
import { formatKeyResult, formatOkrLine } from "./okr-format.ts";
import { withOkrService } from "./okr-service.ts";

export interface CreateOptions {
  title?: string;
  description?: string;
  kr: string[];
  json?: boolean;
}

/** `title:target:unit` (the title may hold colons; the unit may be empty or left out). */
export function parseKeyResult(spec: string): NewKeyResult {
  const parts = spec.split(":");
  if (parts.length < 2)
    throw new OkrValidationError("invalid_target_value", `key result '${spec}' needs a target: "title:target:unit"`);
  const [target, unit] = parts.length === 2 ? [parts[1]!, ""] : [parts.at(-2)!, parts.at(-1)!];
  const title = parts.slice(0, parts.length === 2 ? 1 : -2).join(":");
  const target_value = target.trim() === "" ? Number.NaN : Number(target);
  return { title, target_value, unit: unit.trim() };
}

/** `okr create`: from --title/--kr, or asked for on a terminal. */
export async function createOkr(options: CreateOptions): Promise<void> {
  const input = options.title !== undefined ? fromFlags(options) : await interactive(options);
  const okr = await withOkrService((service) => service.createOkr(input));
  if (options.json) return printJson(okr);
  const paint = painter(process.stdout);
  process.stdout.write(
    `${formatOkrLine(okr, paint)}\n${okr.key_results.map((kr) => formatKeyResult(kr, paint)).join("\n")}\n`,
  );
}

function fromFlags(options: CreateOptions) {
  return { title: options.title ?? "", description: options.description, key_results: options.kr.map(parseKeyResult) };
}

async function interactive(options: CreateOptions) {
  if (!process.stdin.isTTY)
    throw new UserError(
      'no terminal to ask: give --title and --kr "title:target:unit" (see: codetether okr create --help)',
      2,
    );
  // Loaded only to ask: every `run` loads this module, and readline only a run that asks.
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const title = await rl.question("Objective: ");
    const description = options.description ?? (await rl.question("Description (optional): "));
    const key_results: NewKeyResult[] = options.kr.map(parseKeyResult);
    process.stderr.write('Key results as "title:target:unit", an empty line to finish.\n');
    for (;;) {
      const line = (await rl.question(`KR ${key_results.length + 1}: `)).trim();
      if (!line) break;
      try {
        key_results.push(parseKeyResult(line));
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
      }
    }
    return { title, description, key_results };
  } finally {
    rl.close();
  }
}
