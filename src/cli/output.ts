/** Colour only on a TTY and when NO_COLOR is unset (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

const CODES = {
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  bold: [1, 22],
} as const;
export type Style = keyof typeof CODES;

export function painter(stream: NodeJS.WriteStream): (style: Style, text: string) => string {
  if (!useColor(stream)) return (_style, text) => text;
  return (style, text) => `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m`;
}

/** Prints one value as JSON on its own line (the `--json` format of every command). */
/** A problem that does not stop the command, on stderr. */
export function printWarning(message: string): void {
  process.stderr.write(`codetether: warning: ${message}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** "3m ago", "2h ago", "5d ago". */
export function age(timestamp: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - timestamp) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}
