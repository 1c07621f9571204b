import type { BusHandle } from "../bus/bus-handle.ts";
import type { CheckResult } from "./gates.ts";
import type { RalphFinalStatus } from "./status.ts";

/** What the loop reports, on bus topic `ralph.{prd_id}` and to the front end (progress lines, --json). */
export type RalphEvent =
  | { type: "iteration_started"; prd_id: string; iteration: number; story_id: string; title: string; attempt: number }
  | { type: "story_complete"; prd_id: string; iteration: number; story_id: string }
  | { type: "gate_result"; prd_id: string; iteration: number; story_id: string; result: CheckResult }
  | { type: "story_passed"; prd_id: string; iteration: number; story_id: string; commit?: string }
  | { type: "story_failed"; prd_id: string; iteration: number; story_id: string; reason: string; gave_up: boolean }
  | { type: "learning"; prd_id: string; iteration: number; story_id: string; learning: string }
  | {
      type: "finished";
      prd_id: string;
      status: RalphFinalStatus;
      iterations: number;
      passed: number;
      total: number;
    };

/** The bus topic of one PRD's events. */
const ralphTopic = (prdId: string) => `ralph.${prdId}`;

/** One function that tells both the front end and, when there is one, the bus. */
export function ralphEmitter(
  onEvent: ((event: RalphEvent) => void) | undefined,
  bus: BusHandle | undefined,
): (event: RalphEvent) => void {
  return (event) => {
    onEvent?.(event);
    if (bus && !bus.closed) bus.publish({ topic: ralphTopic(event.prd_id), kind: "event", payload: event });
  };
}
