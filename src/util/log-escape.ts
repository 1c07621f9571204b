/** C0 controls (newline, carriage return, ESC…), DEL, C1 controls and the Unicode line/paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `text` safe to write inside one log line: every control character escaped (`\n`, `\x1b`…), so a path
 * or id chosen by a client can neither start a forged line nor send terminal escape sequences.
 */
export function escapeForLog(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    if (char === "\n") return "\\n";
    if (char === "\r") return "\\r";
    if (char === "\t") return "\\t";
    return code > 0xff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\x${code.toString(16).padStart(2, "0")}`;
  });
}
