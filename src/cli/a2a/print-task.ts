import {
  AgentCard as AgentCardJson,
  StreamResponse as StreamResponseJson,
  Task as TaskJson,
  type AgentCard,
  type StreamResponse,
  type Task,
} from "@a2a-js/sdk";
import { stateName, textOf } from "../../a2a/messages.ts";
import { painter, printJson } from "../output.ts";

/** ProtoJSON (the 1.0 wire shape) of the SDK's objects, for `--json`. */
export const json = {
  task: (task: Task) => printJson(TaskJson.toJSON(task)),
  card: (card: AgentCard) => printJson(AgentCardJson.toJSON(card)),
  event: (event: StreamResponse) => printJson(StreamResponseJson.toJSON(event)),
};

export function answerOf(task: Task): string {
  const answer = task.artifacts.find((a) => a.name === "answer") ?? task.artifacts.at(-1);
  const fromArtifact = answer?.parts.map((p) => (p.content?.$case === "text" ? p.content.value : "")).join("");
  return fromArtifact || textOf(task.status?.message);
}

/** The human summary of a task: the answer (or status text) on stdout, the state line on stderr. */
export function printTask(task: Task, withAnswer = true): void {
  const paint = painter(process.stderr);
  const state = stateName(task.status?.state);
  const color =
    state === "completed"
      ? "green"
      : state === "input-required"
        ? "yellow"
        : state === "failed" || state === "canceled"
          ? "red"
          : "cyan";
  if (withAnswer) {
    const text = state === "completed" ? answerOf(task) : textOf(task.status?.message);
    if (text) process.stdout.write(`${text}\n`);
  }
  const files = task.artifacts.find((a) => a.name === "changed-files");
  if (files) process.stderr.write(`${paint("dim", `changed: ${textOf(files).split("\n").join(", ")}`)}\n`);
  process.stderr.write(`${paint(color, state)} ${paint("dim", `task ${task.id} · context ${task.contextId}`)}\n`);
}

export function printCard(card: AgentCard): void {
  const paint = painter(process.stdout);
  const lines = [`${paint("bold", card.name)} ${card.version}`, card.description, "", "interfaces:"];
  for (const i of card.supportedInterfaces)
    lines.push(`  ${i.protocolBinding.padEnd(10)} ${i.protocolVersion.padEnd(4)} ${i.url}`);
  const caps = card.capabilities;
  lines.push(
    "",
    `capabilities: streaming ${caps?.streaming ? "yes" : "no"}, push ${caps?.pushNotifications ? "yes" : "no"}, extended card ${caps?.extendedAgentCard ? "yes" : "no"}`,
  );
  const schemes = Object.entries(card.securitySchemes).map(
    ([name, s]) =>
      `${name} (${s.scheme?.$case === "httpAuthSecurityScheme" ? s.scheme.value.scheme : (s.scheme?.$case ?? "?")})`,
  );
  lines.push(`security: ${schemes.length ? schemes.join(", ") : "none"}`, "", "skills:");
  for (const s of card.skills) lines.push(`  ${paint("cyan", s.id)}  ${s.description}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

/**
 * Follows a stream to its last task state; without --json (`print`) it also shows it: streamed text to
 * stdout as it comes, tool activity and state to stderr.
 */
export function streamPrinter(print = true): {
  event(event: StreamResponse): void;
  last(): Task | undefined;
  wroteText(): boolean;
} {
  const paint = painter(process.stderr);
  let task: Task | undefined;
  let state = "submitted";
  let wroteText = false;
  return {
    event(event) {
      const payload = event.payload;
      if (payload?.$case === "task") task = payload.value;
      if (payload?.$case === "statusUpdate" && payload.value.status) {
        const status = payload.value.status;
        state = stateName(status.state);
        if (task) task.status = status;
        if (!print) return;
        const message = status.message;
        const isActivity = message?.parts.some((p) => p.content?.$case === "data");
        const text = textOf(message);
        if (state === "working" && text && !isActivity) {
          process.stdout.write(text);
          wroteText = true;
        } else if (text && state === "working") process.stderr.write(`${paint("dim", `· ${text}`)}\n`);
        else if (text && state !== "completed") process.stderr.write(`${text}\n`);
      }
      if (payload?.$case === "artifactUpdate" && task && payload.value.artifact)
        task.artifacts.push(payload.value.artifact);
      if (print && payload?.$case === "message") process.stdout.write(`${textOf(payload.value)}\n`);
    },
    last: () => task,
    wroteText: () => wroteText,
  };
}
