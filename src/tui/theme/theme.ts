/** The colours every TUI component draws with; a value is an ink colour (name or #hex), absent = terminal default. */
export interface ThemeColors {
  accent?: string;
  text?: string;
  muted?: string;
  border?: string;
  user?: string;
  assistant?: string;
  reasoning?: string;
  success?: string;
  warning?: string;
  error?: string;
  diffAdd?: string;
  diffRemove?: string;
  codeText?: string;
  codeKeyword?: string;
  codeString?: string;
  codeComment?: string;
  codeNumber?: string;
  statusFg?: string;
  statusBg?: string;
  selectionFg?: string;
  selectionBg?: string;
}

export type ThemeColor = keyof ThemeColors;

export const THEME_COLOR_NAMES: readonly ThemeColor[] = [
  "accent",
  "text",
  "muted",
  "border",
  "user",
  "assistant",
  "reasoning",
  "success",
  "warning",
  "error",
  "diffAdd",
  "diffRemove",
  "codeText",
  "codeKeyword",
  "codeString",
  "codeComment",
  "codeNumber",
  "statusFg",
  "statusBg",
  "selectionFg",
  "selectionBg",
];

export interface Theme {
  name: string;
  colors: ThemeColors;
  /** True when colours are off (NO_COLOR, TERM=dumb): components fall back to bold/inverse for emphasis. */
  mono: boolean;
}

const marketing: ThemeColors = {
  accent: "#22d3ee",
  text: "#e5e7eb",
  muted: "#6b7280",
  border: "#155e75",
  user: "#67e8f9",
  assistant: "#22d3ee",
  reasoning: "#7c8594",
  success: "#34d399",
  warning: "#fbbf24",
  error: "#f87171",
  diffAdd: "#34d399",
  diffRemove: "#f87171",
  codeText: "#cbd5e1",
  codeKeyword: "#22d3ee",
  codeString: "#a3e635",
  codeComment: "#64748b",
  codeNumber: "#f0abfc",
  statusFg: "#a5f3fc",
  statusBg: "#0a0e14",
  selectionFg: "#0a0e14",
  selectionBg: "#22d3ee",
};

const dark: ThemeColors = {
  accent: "blueBright",
  text: "white",
  muted: "gray",
  border: "gray",
  user: "greenBright",
  assistant: "blueBright",
  reasoning: "gray",
  success: "green",
  warning: "yellow",
  error: "red",
  diffAdd: "green",
  diffRemove: "red",
  codeText: "whiteBright",
  codeKeyword: "magentaBright",
  codeString: "greenBright",
  codeComment: "gray",
  codeNumber: "yellowBright",
  statusFg: "white",
  statusBg: "#1f2430",
  selectionFg: "black",
  selectionBg: "blueBright",
};

const light: ThemeColors = {
  accent: "#0550ae",
  text: "#1f2328",
  muted: "#6e7781",
  border: "#8c959f",
  user: "#116329",
  assistant: "#0550ae",
  reasoning: "#6e7781",
  success: "#116329",
  warning: "#9a6700",
  error: "#cf222e",
  diffAdd: "#116329",
  diffRemove: "#cf222e",
  codeText: "#24292f",
  codeKeyword: "#cf222e",
  codeString: "#0a3069",
  codeComment: "#6e7781",
  codeNumber: "#0550ae",
  statusFg: "#1f2328",
  statusBg: "#eaeef2",
  selectionFg: "#ffffff",
  selectionBg: "#0550ae",
};

// Ethan Schoonover's Solarized palette.
const sol = {
  base03: "#002b36",
  base02: "#073642",
  base01: "#586e75",
  base00: "#657b83",
  base0: "#839496",
  base1: "#93a1a1",
  base2: "#eee8d5",
  base3: "#fdf6e3",
  yellow: "#b58900",
  orange: "#cb4b16",
  red: "#dc322f",
  magenta: "#d33682",
  violet: "#6c71c4",
  blue: "#268bd2",
  cyan: "#2aa198",
  green: "#859900",
};

const solarizedAccents: ThemeColors = {
  accent: sol.blue,
  user: sol.green,
  assistant: sol.blue,
  success: sol.green,
  warning: sol.yellow,
  error: sol.red,
  diffAdd: sol.green,
  diffRemove: sol.red,
  codeKeyword: sol.green,
  codeString: sol.cyan,
  codeNumber: sol.magenta,
  selectionBg: sol.blue,
};

const solarizedDark: ThemeColors = {
  ...solarizedAccents,
  text: sol.base0,
  muted: sol.base01,
  border: sol.base01,
  reasoning: sol.base01,
  codeText: sol.base1,
  codeComment: sol.base01,
  statusFg: sol.base1,
  statusBg: sol.base02,
  selectionFg: sol.base03,
};

const solarizedLight: ThemeColors = {
  ...solarizedAccents,
  text: sol.base00,
  muted: sol.base1,
  border: sol.base1,
  reasoning: sol.base1,
  codeText: sol.base01,
  codeComment: sol.base1,
  statusFg: sol.base01,
  statusBg: sol.base2,
  selectionFg: sol.base3,
};

/** Built-in themes by name; `marketing` (cyan accents on near-black, like the CodeTether site) is the default. */
export const BUILTIN_THEMES: Readonly<Record<string, ThemeColors>> = {
  marketing,
  dark,
  light,
  "solarized-dark": solarizedDark,
  "solarized-light": solarizedLight,
};

export const DEFAULT_THEME = "marketing";

/** The theme as drawn: without colour every colour is dropped, whatever the theme says. */
export function makeTheme(name: string, colors: ThemeColors, colorEnabled: boolean): Theme {
  return { name, colors: colorEnabled ? colors : {}, mono: !colorEnabled };
}

/** Colour is off under NO_COLOR (https://no-color.org) and on dumb terminals. */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR && env.TERM !== "dumb";
}
