import { turnCount } from "../../relay/describe-event.ts";
import type { OkrRun } from "../../okr/model.ts";
import type { OkrService } from "../../okr/service.ts";
import type { RelayCheckpoint } from "../../relay/checkpoint.ts";
import { painter, printJson } from "../output.ts";
import { formatKeyResult } from "./okr-format.ts";

/** The end of a /go run: its key results and where the report is (JSON: the run). */
export async function printRunSummary(service: OkrService, run: OkrRun, json?: boolean): Promise<void> {
  const okr = await service.okr(run.okr_id);
  if (json) return printJson({ type: "okr.run", run, okr });
  const paint = painter(process.stdout);
  process.stdout.write(
    `${paint("bold", `${okr.title}`)}: run ${run.status} after ${turnCount(run.iterations)}\n${okr.key_results.map((kr) => formatKeyResult(kr, paint)).join("\n")}\nreport: codetether okr report --id ${okr.id}\n`,
  );
}

/** The end of an /autochat relay: its status and the handoff of its last turn. */
export function printRelaySummary(checkpoint: RelayCheckpoint, json?: boolean): void {
  if (json) return printJson({ type: "relay.result", checkpoint });
  const last = checkpoint.last_delta?.delta;
  const lines = [
    `relay ${checkpoint.relay_id}: ${checkpoint.status} after ${turnCount(checkpoint.turn)}`,
    ...(last?.decisions.length ? ["decisions:", ...last.decisions.map((d) => `- ${d}`)] : []),
    ...(last?.evidence.length ? ["evidence:", ...last.evidence.map((e) => `- ${e}`)] : []),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
