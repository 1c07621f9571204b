/** One key press as the TUI understands it, parsed from the raw sequence the terminal sent. */
export interface KeyPress {
  /** `a`…`z` and other characters, or a named key: return, tab, backspace, delete, escape, up, down, left, right, home, end, pageup, pagedown, paste-start, paste-end. */
  name: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  /** Printable text the key inserts ('' for control keys). A paste arriving in one chunk is one press. */
  text: string;
}

/** Asks the terminal to wrap pastes in markers, so a pasted newline is text, not Enter. */
export const BRACKETED_PASTE_ON = "\x1b[?2004h";
export const BRACKETED_PASTE_OFF = "\x1b[?2004l";

const CSI_NAMES: Record<string, string> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  Z: "tab",
  "1~": "home",
  "4~": "end",
  "7~": "home",
  "8~": "end",
  "3~": "delete",
  "5~": "pageup",
  "6~": "pagedown",
  "12~": "f2",
  // F2 as SS3 Q (xterm) and CSI 1;mods Q.
  Q: "f2",
  "200~": "paste-start",
  "201~": "paste-end",
};

const press = (name: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  name,
  ctrl: false,
  meta: false,
  shift: false,
  text: "",
  ...extra,
});

/**
 * Legacy xterm sequences plus the kitty keyboard protocol's `CSI code;mods u` form (which is how a
 * terminal that supports it tells Ctrl+M from Enter).
 */
export function parseKey(raw: string): KeyPress {
  if (raw === "\r") return press("return");
  if (raw === "\n") return press("return", { ctrl: true, text: "" }); // Ctrl+J: a newline in the editor
  if (raw === "\x1b\r" || raw === "\x1b\n") return press("return", { meta: true });
  if (raw === "\t") return press("tab");
  if (raw === "\x7f" || raw === "\b") return press("backspace");
  if (raw === "\x1b\x7f" || raw === "\x1b\b") return press("backspace", { meta: true });
  if (raw === "\x1b" || raw === "\x1b\x1b") return press("escape");
  if (raw.startsWith("\x1b[") || raw.startsWith("\x1bO")) return parseCsi(raw.slice(2), raw.startsWith("\x1bO"));
  if (raw.length === 2 && raw[0] === "\x1b") {
    const ch = raw[1]!;
    return press(ch.toLowerCase(), { meta: true, shift: ch !== ch.toLowerCase() });
  }
  if (raw.length === 1) {
    const code = raw.charCodeAt(0);
    if (code === 0) return press("space", { ctrl: true });
    if (code < 27) return press(String.fromCharCode(code + 96), { ctrl: true });
    if (code < 32) return press(String.fromCharCode(code + 64), { ctrl: true });
    return press(raw.toLowerCase(), { text: raw, shift: raw !== raw.toLowerCase() });
  }
  return press("text", { text: raw });
}

function parseCsi(body: string, ss3: boolean): KeyPress {
  const kitty = /^(\d+)(?::\d+)*(?:;(\d+)(?::\d+)?)?u$/.exec(body);
  if (kitty) {
    const mods = modifiers(kitty[2]);
    const code = Number(kitty[1]);
    const named = ({ 13: "return", 9: "tab", 27: "escape", 127: "backspace" } as Record<number, string>)[code];
    const ch = String.fromCodePoint(code);
    return press(named ?? ch.toLowerCase(), { ...mods, text: !named && !mods.ctrl && !mods.meta ? ch : "" });
  }
  // `1;5A` (Ctrl+Up) and the like: the parameter before the final byte carries the modifiers.
  const withMods = /^(?:(\d+);(\d+))?([~A-Z])$/.exec(body);
  if (withMods && withMods[2]) {
    const key = withMods[3] === "~" ? `${withMods[1]}~` : withMods[3]!;
    return press(CSI_NAMES[key] ?? "unknown", modifiers(withMods[2]));
  }
  const name = CSI_NAMES[body] ?? (ss3 ? CSI_NAMES[body.slice(-1)] : undefined);
  if (body === "Z") return press("tab", { shift: true });
  return press(name ?? "unknown");
}

function modifiers(param: string | undefined): Pick<KeyPress, "ctrl" | "meta" | "shift"> {
  const bits = Math.max(0, Number(param ?? 1) - 1);
  return { shift: Boolean(bits & 1), meta: Boolean(bits & 2), ctrl: Boolean(bits & 4) };
}
