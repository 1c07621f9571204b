import type { AskCallback, AskReply, AskRequest } from "../../permission/engine.ts";
import { describeRequest } from "../../permission/request-scope.ts";
import type { QuestionRequest } from "../../contracts/tool.ts";
import { dataPart, textPart } from "../../a2a/messages.ts";
import type { TaskRun } from "../../a2a/task-run.ts";

/**
 * How a task answers the permission engine's asks: every `ask` pauses the task in input-required until the
 * client answers with its next message: "yes"/"once", "always", or anything else to refuse (the text goes
 * to the model).
 */
export function taskAsk(run: TaskRun): AskCallback {
  return (ask) => askClient(run, ask);
}

async function askClient(run: TaskRun, ask: AskRequest): Promise<AskReply> {
  const what = describeRequest(ask.request);
  const reply = await run.askInput([
    textPart(
      `Permission needed: ${what}. Reply "yes" to allow it once, "always" to allow it from now on, or "no" (with a reason) to refuse.`,
    ),
    dataPart({
      type: "permission",
      permission: ask.permission,
      tool: ask.request.tool,
      kind: ask.request.kind,
      target: ask.request.target,
    }),
  ]);
  const answer = reply.trim().toLowerCase();
  if (/^always\b/.test(answer)) return { reply: "always" };
  if (/^(y|yes|once|ok|allow|approve)\b/.test(answer)) return { reply: "once" };
  return { reply: "reject", reason: reply.trim() ? `the client answered: ${reply.trim()}` : undefined };
}

/** The `question` tool over A2A: the question becomes input-required, the client's reply is the answer. */
export function taskQuestion(run: TaskRun): (request: QuestionRequest) => Promise<string> {
  return (request) => {
    const options = request.options?.length ? `\nOptions: ${request.options.join(" | ")}` : "";
    return run.askInput([
      textPart(`${request.question}${options}`),
      dataPart({ type: "question", question: request.question, options: request.options ?? [] }),
    ]);
  };
}
