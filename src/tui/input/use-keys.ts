import { useStdin } from "ink";
import { useEffect, useRef } from "react";
import { parseKey, type KeyPress } from "./keys.ts";

/**
 * Delivers every key press to `handler`. Text between bracketed-paste markers arrives as one press named
 * `paste` (newlines kept, never submitted). Without markers, a chunk of typed text ending in Enter is
 * text then Enter (fast typing, `tmux send-keys`); a chunk with line breaks inside is a paste; control
 * characters in a chunk are key presses of their own.
 */
export function useKeys(handler: (key: KeyPress) => void): void {
  const { internal_eventEmitter: events, setRawMode, isRawModeSupported } = useStdin();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (isRawModeSupported) setRawMode(true);
    let paste: string | undefined;
    const emit = (key: KeyPress) => latest.current(key);
    const onInput = (raw: string) => {
      if (raw === "\x1b[200~") {
        paste = "";
        return;
      }
      if (paste !== undefined) {
        if (raw !== "\x1b[201~") {
          paste += raw;
          return;
        }
        emit(pasteKey(paste));
        paste = undefined;
        return;
      }
      if (raw.length > 1 && !raw.startsWith("\x1b")) {
        const body = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        if (/[\r\n]/.test(body)) return emit(pasteKey(raw));
        // Control keys pressed quickly (Ctrl+U then Ctrl+V) arrive together: each is its own press.
        for (const part of body.split(CONTROL_CHAR)) if (part) emit(parseKey(part));
        if (body !== raw) emit(parseKey("\r"));
        return;
      }
      emit(parseKey(raw));
    };
    events.on("input", onInput);
    return () => {
      events.off("input", onInput);
      if (isRawModeSupported) setRawMode(false);
    };
  }, [events, setRawMode, isRawModeSupported]);
}

const CONTROL_CHAR = /([\x00-\x08\x0b-\x1a\x1c-\x1f\x7f])/;

function pasteKey(text: string): KeyPress {
  return { name: "paste", ctrl: false, meta: false, shift: false, text: text.replace(/\r\n?/g, "\n") };
}
