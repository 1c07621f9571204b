import type { AskReply, AskRequest } from "../../permission/engine.ts";
import type { QuestionRequest } from "../../contracts/tool.ts";
import { AskQueue } from "./ask-queue.ts";
import type { Timeline } from "./timeline.ts";
import type { PendingApproval, PendingQuestion } from "./tui-snapshot.ts";

/** What the asks need from the session: its timeline, its notices, its redraw, and the running turn's signal. */
export interface AskHost {
  readonly timeline: Timeline;
  info(text: string, level: "info" | "warning" | "error"): void;
  changed(): void;
  /** The running turn's signal (an interrupted turn refuses its pending asks). */
  turnSignal(): AbortSignal | undefined;
}

/** Permission asks and model questions put to the user one at a time, each answer noted in the transcript. */
export class UserAsks {
  private readonly approvals = new AskQueue<PendingApproval, AskReply>();
  private readonly questions = new AskQueue<PendingQuestion, string | undefined>();

  constructor(private readonly host: AskHost) {}

  get approval(): PendingApproval | undefined {
    return this.approvals.first;
  }

  get question(): PendingQuestion | undefined {
    return this.questions.first;
  }

  async askUser(ask: AskRequest): Promise<AskReply> {
    const { host } = this;
    const interrupted: AskReply = { reply: "reject", reason: "the user interrupted the turn" };
    // An ask queued behind one the user interrupted: the turn is over, nothing to show.
    if (host.turnSignal()?.aborted) return interrupted;
    // An edit that cannot apply (old_string gone) has no diff: the tool reports that once allowed.
    const diff = await ask.request.preview?.().catch(() => undefined);
    if (host.turnSignal()?.aborted) return interrupted;
    return new Promise((resolve) => {
      this.approvals.add(
        (answer) => ({ ask, diff, answer }),
        host.turnSignal(),
        interrupted,
        (reply) => {
          host.timeline.record("permission", `${reply.reply} ${ask.request.tool} ${ask.request.target}`, reply);
          const why = reply.reply === "reject" && reply.reason ? `: ${reply.reason}` : "";
          const verdict =
            reply.reply === "once"
              ? "allowed once"
              : reply.reply === "always"
                ? "allowed always (this project)"
                : "rejected";
          host.info(
            `${verdict}: ${ask.request.tool} ${ask.request.target}${why}`,
            reply.reply === "reject" ? "warning" : "info",
          );
          resolve(reply);
        },
      );
      host.timeline.record("permission-ask", `${ask.request.tool} ${ask.request.target}`, ask);
      host.changed();
    });
  }

  askQuestion(request: QuestionRequest, signal: AbortSignal): Promise<string> {
    const { host } = this;
    return new Promise((resolve) => {
      this.questions.add(
        (answer) => ({ request, answer }),
        signal,
        undefined,
        (text) => {
          host.timeline.record("question-answer", text ?? "(skipped)", {
            question: request.question,
            answer: text ?? null,
          });
          host.info(text ? `you answered: ${text}` : "question skipped", text ? "info" : "warning");
          resolve(text ?? ""); // "" tells the tool the user skipped it
        },
      );
      host.timeline.record("question", request.question, request);
      host.changed();
    });
  }
}
