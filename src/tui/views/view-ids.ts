/**
 * The main views the TUI can show below the scrollback: each is a component drawn in the main area plus
 * its own key handler.
 */
export const VIEWS = ["chat", "inspector", "swarm", "ralph"] as const;
export type ViewId = (typeof VIEWS)[number];

export function nextView(current: ViewId): ViewId {
  return VIEWS[(VIEWS.indexOf(current) + 1) % VIEWS.length]!;
}

export function isView(name: string): name is ViewId {
  return (VIEWS as readonly string[]).includes(name);
}
