import { UserError } from "../../contracts/errors.ts";

/** The prompt from the arguments, or from stdin when the argument is `-` or stdin is piped with no words. */
export async function readPrompt(words: string[]): Promise<string> {
  const fromArgs = words
    .filter((w) => w !== "-")
    .join(" ")
    .trim();
  const wantsStdin = words.includes("-") || (words.length === 0 && !process.stdin.isTTY);
  let piped = "";
  if (wantsStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    piped = Buffer.concat(chunks).toString("utf8").trim();
  }
  const prompt = [fromArgs, piped].filter(Boolean).join("\n\n");
  if (!prompt) throw new UserError('no prompt given: codetether run "your task" (or pipe it on stdin with -)', 2);
  return prompt;
}
