/**
 * Words that make a command's text not show what it runs: compound commands and grouping (`if`, `for`,
 * `(…)`, `{ …; }`), and programs that run another command given as arguments (`env rm x`, `bash -c …`).
 */
const NOT_PLAIN = new Set(
  (
    "if then else elif fi for while until do done case esac select function time coproc ! [[ { } " +
    "env xargs exec eval command builtin nohup nice timeout sudo doas su sh bash zsh dash ksh fish busybox " +
    "setsid stdbuf chroot unshare nsenter flock watch parallel strace"
  ).split(" "),
);

/**
 * A simple command a pattern can judge: a plain program name first. Not a variable, subshell, assignment
 * (`X=rm; $X …`, `X=1 rm …`), quoted or escaped name (`'rm'`, `\rm`), path (`/bin/rm`) or redirection
 * (`>f rm …`), each of which runs a program its text does not show as `rm …`.
 */
function isPlain(command: string): boolean {
  const first = command.split(/\s+/, 1)[0]!;
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) return false;
  if (/^[\d(<>]|[$'"\\/]/.test(first)) return false;
  return !NOT_PLAIN.has(first);
}

/**
 * The simple commands of a bash command line, split on `;`, `&&`, `||`, `|`, `&` and newlines outside
 * quotes, so that a rule like `git *` = allow cannot let `git status; curl … | sh` through. Undefined
 * when the line runs commands inside others (`$(…)`, backquotes, `<(…)`, compound commands, `env …`,
 * `bash -c …`, a variable as the program), which no pattern can judge. Best effort: rules on commands
 * steer the model; the sandbox is what confines them.
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
  const simple = commands.map((c) => c.trim()).filter(Boolean);
  return simple.every(isPlain) ? simple : undefined;
}
