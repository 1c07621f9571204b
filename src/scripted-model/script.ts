// The script language of the scripted model: what a test, the demo or the bench says the model answers, turn by turn.
// Everything except a `match` function is JSON-serialisable, so the CLI entry can read scripts from files.

export type ScriptItem =
  { text: string } | { reasoning: string } | { tool: string; input: Record<string, unknown>; id?: string };

/** Which requests a turn is reserved for. All given conditions must hold; string tests are case-insensitive. */
export interface MatchSpec {
  lastUserContains?: string;
  systemContains?: string;
  /** Substring of the raw JSON request body. */
  bodyContains?: string;
  format?: FormatName;
  model?: string;
  hasTools?: boolean;
}

export interface TurnOptions {
  items?: ScriptItem[];
  usage?: { input: number; output: number };
  /** Reply with this HTTP error instead of content. `body` defaults to the provider's own error shape. */
  error?: { status: number; body?: unknown; headers?: Record<string, string> };
  /** Accept the request, stream the items, then never finish (for abort tests). */
  hang?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Wait this long between streamed events. */
  chunkDelayMs?: number;
  match?: MatchSpec | ((request: RecordedRequest) => boolean);
}

/** A turn: a list of items, an options object, or a plain string as shorthand for one text item. */
export type Turn = ScriptItem[] | TurnOptions | string;

export type FormatName = "openai-chat" | "openai-responses" | "anthropic" | "gemini";

export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. `/v1/chat/completions`. */
  path: string;
  format: FormatName | "unknown";
  model: string;
  stream: boolean;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (`undefined` when the body was not JSON). Loosely typed on purpose: it is for assertions. */
  body: any;
  rawLength: number;
  /** Text of the system prompt and of each user message, as every format's request carries it. */
  prompt: PromptText;
}

export interface PromptText {
  system: string;
  /** Text of the user messages that carry text (tool results are not user text). */
  users: string[];
}

/** A script item resolved for one reply: tool ids assigned, arguments serialised. */
export type ReplyItem =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "tool"; id: string; name: string; input: Record<string, unknown>; args: string };

/** Everything a wire format needs to render one answer. */
export interface Reply {
  id: string;
  model: string;
  created: number;
  items: ReplyItem[];
  usage: { input: number; output: number };
}

export const EXHAUSTED_TEXT = "(script exhausted)";

export function normalizeTurn(turn: Turn): TurnOptions {
  if (typeof turn === "string") return { items: [{ text: turn }] };
  if (Array.isArray(turn)) return { items: turn };
  return turn;
}

export function matches(turn: TurnOptions, request: RecordedRequest): boolean {
  const { match } = turn;
  if (match === undefined) return true;
  if (typeof match === "function") return match(request);
  const has = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());
  const lastUser = request.prompt.users.at(-1) ?? "";
  const checks: boolean[] = [
    match.lastUserContains === undefined || has(lastUser, match.lastUserContains),
    match.systemContains === undefined || has(request.prompt.system, match.systemContains),
    match.bodyContains === undefined || has(JSON.stringify(request.body ?? ""), match.bodyContains),
    match.format === undefined || match.format === request.format,
    match.model === undefined || match.model === request.model,
    match.hasTools === undefined || match.hasTools === hasTools(request.body),
  ];
  return checks.every(Boolean);
}

function hasTools(body: unknown): boolean {
  if (typeof body !== "object" || body === null || !("tools" in body)) return false;
  return Array.isArray(body.tools) && body.tools.length > 0;
}

/**
 * Takes the turn for a request: the first queued turn whose `match` accepts it, else the first
 * turn without a `match` (turns with a `match` wait for their request). Removes it from the queue.
 */
export function takeTurn(queue: TurnOptions[], request: RecordedRequest): TurnOptions {
  let index = queue.findIndex((turn) => turn.match !== undefined && matches(turn, request));
  if (index < 0) index = queue.findIndex((turn) => turn.match === undefined);
  if (index < 0) return { items: [{ text: EXHAUSTED_TEXT }] };
  return queue.splice(index, 1)[0]!;
}

/** A turn's reply to one HTTP request: its items (replyItems) and usage (replyUsage). */
export function buildReply(turn: TurnOptions, request: RecordedRequest, seq: number): Reply {
  const items = replyItems(turn, seq);
  const usage = replyUsage(turn, items, request.rawLength);
  return { id: String(seq), model: request.model, created: Math.floor(Date.now() / 1000), items, usage };
}

/** A turn's items for reply number `seq`: tool ids assigned (`call_{seq}_{index}` unless given), arguments serialised. */
export function replyItems(turn: TurnOptions, seq: number): ReplyItem[] {
  return (turn.items ?? []).map((item, i): ReplyItem => {
    if ("text" in item) return { type: "text", text: item.text };
    if ("reasoning" in item) return { type: "reasoning", text: item.reasoning };
    const id = item.id ?? `call_${seq}_${i}`;
    return { type: "tool", id, name: item.tool, input: item.input, args: JSON.stringify(item.input) };
  });
}

/** The turn's usage, else ~4 characters a token of the request and of the answer. */
export function replyUsage(turn: TurnOptions, items: ReplyItem[], requestChars: number): Reply["usage"] {
  const outputChars = items.reduce((n, item) => n + (item.type === "tool" ? item.args : item.text).length, 0);
  return turn.usage ?? { input: Math.ceil(requestChars / 4), output: Math.max(1, Math.ceil(outputChars / 4)) };
}

/** Splits text into streaming deltas of a few words each, as real models stream. */
export function textChunks(text: string, wordsPerChunk = 3): string[] {
  const words = text.split(/(?<=\s)/);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) chunks.push(words.slice(i, i + wordsPerChunk).join(""));
  return chunks.length > 0 ? chunks : [""];
}

/** Splits serialised tool arguments into three pieces so clients must reassemble them. */
export function argChunks(args: string): string[] {
  const size = Math.ceil(args.length / 3);
  const chunks: string[] = [];
  for (let i = 0; i < args.length; i += size) chunks.push(args.slice(i, i + size));
  return chunks;
}

/** Joins the `text` of content parts (`string` content passes through), for prompt extraction. */
export function partsText(content: unknown, textTypes: string[] = ["text"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter(
      (part) => typeof part === "object" && part !== null && (part.type === undefined || textTypes.includes(part.type)),
    )
    .map((part) => (typeof part.text === "string" ? part.text : ""))
    .join("");
}
