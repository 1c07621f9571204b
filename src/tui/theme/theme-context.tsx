import { createContext, useContext } from "react";
import { BUILTIN_THEMES, DEFAULT_THEME, makeTheme, type Theme } from "./theme.ts";

const ThemeContext = createContext<Theme>(makeTheme(DEFAULT_THEME, BUILTIN_THEMES[DEFAULT_THEME]!, true));

export const ThemeProvider = ThemeContext.Provider;

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
