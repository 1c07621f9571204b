import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { glob, isDynamicPattern } from "../util/glob.ts";
import { UserError } from "../contracts/errors.ts";
import { Corpus, type CorpusSource } from "./corpus.ts";

/** Where an RLM run's content comes from: files (paths or globs), a text, or a stream such as stdin. */
export interface ContentInput {
  files?: string[];
  /** Files already found (and authorized), taken as they are: their names are not patterns. */
  found?: CorpusSource[];
  text?: string;
  stream?: NodeJS.ReadableStream;
  /** Relative paths and globs are resolved from here. */
  cwd: string;
}

/** The opened content; `dispose` closes it and removes any temporary copy. */
export interface OpenedContent {
  corpus: Corpus;
  dispose(): void;
}

/**
 * The temporary copies not disposed of yet. A copy of stdin or --content may hold secrets: whatever is left
 * goes with the process however it exits (one exit hook for all of them).
 */
const liveTemps = new Set<string>();
process.once("exit", () => {
  for (const dir of liveTemps) rmSync(dir, { recursive: true, force: true });
});

/**
 * Opens the content of a run as one corpus. Files are indexed where they are; a text or a stream (stdin)
 * is first written to a private temporary file, so even a piped input of hundreds of MB is never held whole.
 */
export async function openContent(input: ContentInput): Promise<OpenedContent> {
  const sources: CorpusSource[] = [...(input.found ?? [])];
  for (const file of input.files ?? []) sources.push(...(await expandContentPath(file, input.cwd)));
  let temp: string | undefined;
  const removeTemp = () => {
    if (!temp) return;
    rmSync(temp, { recursive: true, force: true });
    liveTemps.delete(temp);
  };
  const tempFile = (name: string) => {
    if (!temp) liveTemps.add((temp = mkdtempSync(join(tmpdir(), "codetether-rlm-"))));
    return join(temp, name);
  };
  try {
    if (input.text !== undefined) {
      const path = tempFile("content.txt");
      writeFileSync(path, input.text, { mode: 0o600 });
      sources.push({ name: "content", path });
    }
    if (input.stream) {
      const path = tempFile("stdin.txt");
      await pipeline(input.stream, createWriteStream(path, { mode: 0o600 }));
      sources.push({ name: "stdin", path });
    }
    if (sources.length === 0) throw new UserError("no content given: use -f FILE (or a glob) or --content TEXT|-", 2);
    // An empty input (stdin at its end in a cron job, an empty log) has no answer: the model would make one up.
    if (sources.every((source) => statSync(source.path).size === 0))
      throw new UserError(`the content is empty (${sources.map((source) => source.name).join(", ")})`, 2);
    const corpus = Corpus.open(sources);
    return {
      corpus,
      dispose: () => {
        corpus.close();
        removeTemp();
      },
    };
  } catch (error) {
    removeTemp();
    throw error;
  }
}

/** A path, or the files a glob matches (sorted), each shown by its path relative to `cwd`. */
export async function expandContentPath(pattern: string, cwd: string): Promise<CorpusSource[]> {
  // A file by that very name is that file, brackets and all (`app/[id]/page.tsx`).
  if (existsSync(isAbsolute(pattern) ? pattern : resolve(cwd, pattern))) return [literal(pattern, cwd)];
  if (await isDynamicPattern(pattern)) {
    const matches = (await glob(pattern, { cwd, absolute: true, onlyFiles: true, dot: false })).sort();
    if (matches.length === 0) throw new UserError(`no files match ${pattern}`, 2);
    return matches.map((path) => ({ name: relative(cwd, path) || path, path }));
  }
  return [literal(pattern, cwd)];
}

/** The file `pattern` names; a one-line error when it is missing or not a file. */
function literal(pattern: string, cwd: string): CorpusSource {
  const path = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UserError(`no such file: ${pattern}`, 2);
  }
  if (!isFile) throw new UserError(`${pattern} is not a file (for a folder use a glob, e.g. '${pattern}/**/*.ts')`, 2);
  return { name: pattern, path };
}
