/**
 * The simple commands of a bash command line, split on `;`, `&&`, `||`, `|`, `&` and newlines outside
 * quotes, so that a rule like `git *` = allow cannot let `git status; curl … | sh` through. Undefined
 * when the line runs commands inside others (`$(…)`, backquotes, `<(…)`), which no pattern can judge.
 */
export function simpleCommands(line: string): string[] | undefined {
  const commands: string[] = [];
  let current = "";
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    const next = line[i + 1];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      current += char;
      continue;
    }
    if (char === "\\") {
      current += char + (next ?? "");
      i++;
      continue;
    }
    if (char === "`" || (char === "$" && next === "(") || ((char === "<" || char === ">") && next === "(" && !quote))
      return undefined;
    if (quote === '"') {
      if (char === '"') quote = undefined;
      current += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      current += char;
      continue;
    }
    const redirection = char === "&" && (line[i - 1] === ">" || next === ">");
    if ((char === ";" || char === "\n" || char === "|" || char === "&") && !redirection) {
      commands.push(current);
      current = "";
      if ((char === "&" || char === "|") && next === char) i++;
      else if (char === "|" && next === "&") i++;
      continue;
    }
    current += char;
  }
  commands.push(current);
  return commands.map((c) => c.trim()).filter(Boolean);
}
