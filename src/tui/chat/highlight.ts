import type { ThemeColor } from "../theme/theme.ts";

/** A run of code text and the theme colour to draw it with. */
export interface Token {
  text: string;
  color: ThemeColor;
}

const KEYWORDS = new Set(
  (
    "abstract as async await break case catch class const continue def default defer del delete do elif else enum export extends " +
    "false final finally fn for from func function go if impl implements import in interface is lambda let loop match mod module " +
    "mut new nil None not null or package pass private protected pub public raise return self static struct super switch this " +
    "throw True False true try type typeof undefined use var void where while with yield"
  ).split(" "),
);

const HASH_COMMENT_LANGS = new Set([
  "py",
  "python",
  "sh",
  "bash",
  "zsh",
  "shell",
  "toml",
  "yaml",
  "yml",
  "rb",
  "ruby",
  "dockerfile",
  "make",
  "makefile",
  "r",
  "perl",
  "ini",
  "conf",
]);

/**
 * A deliberately small highlighter: comments, strings, numbers and common keywords of the usual
 * languages, one line at a time. Good enough to read code in a terminal, and it loads in no time.
 */
export function highlightLine(line: string, lang: string): Token[] {
  const hash = HASH_COMMENT_LANGS.has(lang.toLowerCase());
  const pattern = hash
    ? /(#.*$)|("(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?)|(\b\d[\d_]*(?:\.\d+)?\b)|([A-Za-z_][\w]*)/g
    : /(\/\/.*$|\/\*.*?(?:\*\/|$)|--\s.*$)|("(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?|`(?:\\.|[^`\\])*`?)|(\b\d[\d_]*(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)/g;
  const tokens: Token[] = [];
  let last = 0;
  const push = (text: string, color: ThemeColor) => {
    if (!text) return;
    const prev = tokens.at(-1);
    if (prev && prev.color === color) prev.text += text;
    else tokens.push({ text, color });
  };
  for (const match of line.matchAll(pattern)) {
    const [text, comment, string, number, word] = match;
    push(line.slice(last, match.index), "codeText");
    if (comment) push(text, "codeComment");
    else if (string) push(text, "codeString");
    else if (number) push(text, "codeNumber");
    else if (word) push(text, KEYWORDS.has(word) ? "codeKeyword" : "codeText");
    last = match.index + text.length;
  }
  push(line.slice(last), "codeText");
  return tokens;
}
