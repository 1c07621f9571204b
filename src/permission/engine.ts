import type { PermissionRequest } from "../contracts/tool.ts";
import { ToolError } from "../contracts/tool.ts";
import { memoryApprovals, type Approval, type ApprovalStore } from "./approvals.ts";
import {
  alwaysApprovals,
  commandApprovalPattern,
  describeRequest,
  permissionKeys,
  realTargetForms,
  targetForms,
} from "./request-scope.ts";
import { DEFAULT_RULES, type PermissionAction, type PermissionRule } from "./rules.ts";
import { simpleCommands } from "./shell-commands.ts";
import { matchWildcard } from "./wildcard.ts";
import { realOfNearestExisting } from "../util/real-path.ts";

/** One question for a person: may this request go ahead? `approvals` is what "always" would record. */
export interface AskRequest {
  request: PermissionRequest;
  /** The permission key that asked (`external_directory`, `read`, `bash`, a tool name). */
  permission: string;
  approvals: Approval[];
}

export type AskReply = { reply: "once" } | { reply: "always" } | { reply: "reject"; reason?: string };

/** Supplied by a front end (TUI prompt, A2A input-required, `run --auto-approve`). */
export type AskCallback = (ask: AskRequest) => Promise<AskReply>;

export interface PermissionDecision {
  action: PermissionAction;
  /** The permission key the decision is about. */
  permission: string;
  /** The last rule that matched (none: nothing matched, which the default rules prevent). */
  rule?: PermissionRule;
}

export interface PermissionEngineOptions {
  workspace: string;
  /** Rules after the defaults: config.toml, then the agent profile's overrides; the last match wins. */
  rules?: PermissionRule[];
  /** Judged apart, after the rules: a match here can only make the decision stricter. */
  restrictions?: PermissionRule[];
  /** Without it, every `ask` is refused. */
  ask?: AskCallback;
  approvals?: ApprovalStore;
}

/**
 * Decides every tool action: allow, ask or deny, by the last matching rule. A path outside the
 * workspace is also checked against `external_directory`; the stricter answer holds. Asks go one at a
 * time to the front end's callback, so an "always" answer settles the ones queued behind it.
 */
export class PermissionEngine {
  readonly rules: PermissionRule[];
  private readonly approvals: ApprovalStore;
  private asking: Promise<unknown> = Promise.resolve();

  private readonly restrictions: PermissionRule[];
  /** The workspace where it really is: the forms of a path's real location are relative to it. */
  private readonly realWorkspace: string;

  constructor(private readonly options: PermissionEngineOptions) {
    this.rules = [...DEFAULT_RULES, ...(options.rules ?? [])];
    this.restrictions = options.restrictions ?? [];
    this.realWorkspace = realOfNearestExisting(options.workspace);
    this.approvals = options.approvals ?? memoryApprovals();
  }

  /** The decisions a request needs, in the order they are settled (outside the workspace or network first). */
  decide(request: PermissionRequest): PermissionDecision[] {
    const targets = targetForms(request, this.options.workspace);
    const decisions: PermissionDecision[] = [];
    // `forms`: what restrictions are matched against, worked out only when there are any.
    const judge = (keys: string[], forms: () => string[], decision: PermissionDecision) =>
      decisions.push(this.restrictions.length ? this.restricted(decision, keys, forms()) : decision);
    const bare = () => [request.target];
    if (request.external) judge(["external_directory"], bare, this.evaluate(["external_directory"], bare()));
    if (request.private) judge(["private_network"], bare, this.evaluate(["private_network"], bare()));
    const keys = permissionKeys(request);
    if (request.kind === "execute") {
      const commands = () => [request.target, ...(simpleCommands(request.target) ?? [])];
      judge(keys, commands, this.evaluateCommandLine(keys, request.target));
      return decisions;
    }
    const real = realTargetForms(request, this.realWorkspace);
    const decision = strictest([this.evaluate(keys, targets), ...(real ? [this.evaluate(keys, real)] : [])]);
    judge(keys, () => [...targets, ...(real ?? [])], decision);
    return decisions;
  }

  /** `decision`, or a stricter one a restriction (a project's agent file) makes of it. */
  private restricted(decision: PermissionDecision, keys: string[], forms: string[]): PermissionDecision {
    const rule = this.restrictions.findLast(
      (r) => keys.some((k) => matchWildcard(k, r.permission)) && forms.some((t) => matchWildcard(t, r.pattern)),
    );
    if (!rule || STRICTNESS[rule.action] <= STRICTNESS[decision.action]) return decision;
    return { action: rule.action, permission: rule.permission.includes("*") ? keys[0]! : rule.permission, rule };
  }

  /** The ToolContext.authorize of a run: resolves when allowed, throws a ToolError the model can act on. */
  readonly authorize = async (request: PermissionRequest): Promise<void> => {
    for (const decision of this.decide(request)) {
      if (decision.action === "deny") throw new ToolError(denialMessage(request, decision));
      if (decision.action !== "ask") continue;
      if (request.quiet && !this.approved(request, decision.permission))
        throw new ToolError(`${describeRequest(request)} needs approval`);
      await this.settleAsk(request, decision.permission);
    }
  };

  /**
   * A command line is as permitted as its least permitted simple command. One that nests commands
   * ($(…), backquotes) is judged by the catch-all rules alone, and asks if any narrower rule would
   * deny or ask for something: its text cannot show what it runs.
   */
  private evaluateCommandLine(keys: string[], line: string): PermissionDecision {
    const commands = simpleCommands(line);
    if (!commands) {
      const decision = this.evaluate(keys, [line], (rule) => rule.pattern === "*");
      const guarded = this.rules.some(
        (r) => r.pattern !== "*" && r.action !== "allow" && keys.some((k) => matchWildcard(k, r.permission)),
      );
      return decision.action === "allow" && guarded ? { ...decision, action: "ask" } : decision;
    }
    const decisions = (commands.length ? commands : [line]).map((command) => this.evaluate(keys, [command]));
    return strictest(decisions);
  }

  private evaluate(
    keys: string[],
    targets: string[],
    usable: (rule: PermissionRule) => boolean = () => true,
  ): PermissionDecision {
    const rule = this.rules.findLast(
      (r) =>
        usable(r) &&
        keys.some((k) => matchWildcard(k, r.permission)) &&
        targets.some((t) => matchWildcard(t, r.pattern)),
    );
    return {
      action: rule?.action ?? "ask",
      permission: rule && !rule.permission.includes("*") ? rule.permission : keys[0]!,
      rule,
    };
  }

  private settleAsk(request: PermissionRequest, permission: string): Promise<void> {
    const turn = this.asking.then(async () => {
      if (this.approved(request, permission)) return;
      const keys = permissionKeys(request);
      const approvals = alwaysApprovals(
        request,
        permission,
        (command) => this.evaluate(keys, [command]).action !== "allow" && !this.approvedCommand(keys, command),
      );
      const answer = this.options.ask
        ? await this.options.ask({ request, permission, approvals })
        : { reply: "reject" as const };
      if (answer.reply === "always") this.approvals.add(approvals);
      if (answer.reply === "reject") {
        throw new ToolError(
          `permission denied: ${describeRequest(request)} needs approval${answer.reason ? ` (${answer.reason})` : ""}`,
        );
      }
    });
    this.asking = turn.catch(() => {});
    return turn;
  }

  private approved(request: PermissionRequest, permission: string): boolean {
    const scoped = permission === "external_directory" || permission === "private_network";
    const keys = scoped ? [permission] : permissionKeys(request);
    if (request.kind === "execute" && !scoped) {
      // Like the rules: every simple command allowed by a rule or approved (`git status *` must not
      // cover `git status; rm …`).
      const commands = simpleCommands(request.target);
      if (!commands) return this.approvalsFor(keys).some((a) => a.pattern === commandApprovalPattern(request.target));
      return (
        commands.length > 0 &&
        commands.every((c) => this.evaluate(keys, [c]).action === "allow" || this.approvedCommand(keys, c))
      );
    }
    const approvals = this.approvalsFor(keys);
    return targetForms(request, this.options.workspace).some((t) => approvals.some((a) => matchWildcard(t, a.pattern)));
  }

  private approvedCommand(keys: string[], command: string): boolean {
    return this.approvalsFor(keys).some((a) => matchWildcard(command, a.pattern));
  }

  private approvalsFor(keys: string[]): Approval[] {
    return this.approvals.list().filter((a) => keys.includes(a.permission));
  }
}

const STRICTNESS: Record<PermissionAction, number> = { allow: 0, ask: 1, deny: 2 };

/** The decision that permits least (the first of equals). */
function strictest(decisions: PermissionDecision[]): PermissionDecision {
  return decisions.reduce((most, d) => (STRICTNESS[d.action] > STRICTNESS[most.action] ? d : most));
}

function denialMessage(request: PermissionRequest, decision: PermissionDecision): string {
  const why = decision.rule
    ? `rule ${decision.rule.permission} "${decision.rule.pattern}" = deny, from ${decision.rule.source}`
    : "denied";
  return `permission denied: ${describeRequest(request)} (${why}). Do not retry it; choose another approach or tell the user.`;
}
