import { z } from "zod";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import { pathTarget } from "../workspace-path.ts";
import description from "./codesearch.txt";
import { definesName } from "./definition-patterns.ts";
import { BASE_ARGS, permittedLines, runRipgrep, searchRoot, withheldNote } from "./ripgrep.ts";

const MAX_SCANNED = 3000;
const MAX_FILES = 15;
const LINES_PER_FILE = 4;
const MAX_LINE_CHARS = 200;
const TEST_FILE = /(^|[/\\])(test|tests|__tests__|spec)[/\\]|\.(test|spec)\.\w+$/;

interface Hit {
  file: string;
  line: number;
  text: string;
  terms: Set<string>;
  definition: boolean;
}

export const codesearchTool = defineTool({
  name: "codesearch",
  description,
  kind: "read",
  parameters: z.object({ query: z.string().min(1), path: z.string().optional() }),
  targets: ({ path = "." }, ctx) => [pathTarget(ctx.workspace, path)],
  async execute({ query }, ctx, [target]) {
    const terms = [...new Set(query.match(/[A-Za-z_$][\w$]*/g) ?? [])].filter((t) => t.length >= 2);
    if (terms.length === 0) throw new ToolError("query needs at least one word or identifier");
    const symbol = terms.length === 1 ? terms[0]! : undefined;
    // A single identifier is a symbol: whole words, exact case. Several words are a concept: substrings, any case.
    const args = [...BASE_ARGS, "--max-columns", "400"];
    if (symbol) args.push("--word-regexp", "--fixed-strings", "--", symbol, ...searchRoot(target.display));
    else
      args.push(
        "--ignore-case",
        "--fixed-strings",
        ...terms.flatMap((t) => ["-e", t]),
        "--",
        ...searchRoot(target.display),
      );
    const found = await runRipgrep(args, ctx.workspace, ctx.signal, MAX_SCANNED);
    const { code, stderr, cut } = found;
    if (code === 2 && found.lines.length === 0)
      throw new ToolError(`codesearch failed: ${stderr.trim().split("\n")[0]}`);
    const { lines, withheld } = await permittedLines(found.lines, ctx, "codesearch");
    const note = withheld.length ? `\n${withheldNote(withheld)}` : "";
    const hits = lines.flatMap((line) => parseHit(line, terms));
    if (hits.length === 0) return { output: `nothing found for "${query}"${note}`, title: query };
    return { output: rank(hits, cut) + note, title: `${query} (${hits.length} matches)` };
  },
});

function parseHit(line: string, terms: string[]): Hit[] {
  const match = /^(.*?):(\d+):(.*)$/.exec(line);
  if (!match) return [];
  const text = match[3]!;
  const lower = text.toLowerCase();
  const found = new Set(terms.filter((t) => lower.includes(t.toLowerCase())));
  const definition =
    [...found].some((t) => definesName(text, t, terms.length > 1)) || (terms.length > 1 && definesConcept(text, terms));
  return [
    { file: match[1]!, line: Number(match[2]), text: text.trim().slice(0, MAX_LINE_CHARS), terms: found, definition },
  ];
}

/** For concept queries: a declaration whose identifier contains one of the words (retry → retryDelay). */
function definesConcept(text: string, terms: string[]): boolean {
  const declared = /\b(?:function|class|interface|type|def|fn|func|struct|const|let|var)\s+([A-Za-z_$][\w$]*)/
    .exec(text)?.[1]
    ?.toLowerCase();
  return Boolean(declared && terms.some((t) => declared.includes(t.toLowerCase())));
}

/** Files ranked by definitions, then how many query words they hold, then matches; tests rank lower. */
function rank(hits: Hit[], cut: boolean): string {
  const byFile = new Map<string, Hit[]>();
  for (const hit of hits) byFile.set(hit.file, [...(byFile.get(hit.file) ?? []), hit]);
  const scored = [...byFile.entries()].map(([file, fileHits]) => {
    const definitions = fileHits.filter((h) => h.definition).length;
    const terms = new Set(fileHits.flatMap((h) => [...h.terms])).size;
    const score = definitions * 10 + terms * 5 + Math.min(fileHits.length, 10) - (TEST_FILE.test(file) ? 8 : 0);
    return { file, fileHits, definitions, score };
  });
  scored.sort((a, b) => b.score - a.score || a.file.localeCompare(b.file));
  const definitions = hits.filter((h) => h.definition).slice(0, 10);
  const out: string[] = [];
  if (definitions.length) out.push("Definitions:", ...definitions.map((h) => `${h.file}:${h.line}: ${h.text}`), "");
  out.push(`Matches by relevance (${hits.length}${cut ? "+" : ""} in ${byFile.size} files):`);
  for (const { file, fileHits } of scored.slice(0, MAX_FILES)) {
    const best = [...fileHits].sort(
      (a, b) => Number(b.definition) - Number(a.definition) || b.terms.size - a.terms.size || a.line - b.line,
    );
    out.push(`${file} (${fileHits.length})`, ...best.slice(0, LINES_PER_FILE).map((h) => `  ${h.line}: ${h.text}`));
  }
  if (scored.length > MAX_FILES) out.push(`[${scored.length - MAX_FILES} more files; narrow with path or grep]`);
  return out.join("\n");
}
