/** Model APIs accept `[a-zA-Z0-9_-]{1,64}` tool names. */
const MAX_NAME = 64;

/** `<server>_<tool>`, each part reduced to the characters every model API accepts. */
export function mcpToolName(server: string, tool: string): string {
  const clean = (s: string) => s.replace(/[^a-zA-Z0-9_-]/g, "_");
  return `${clean(server)}_${clean(tool)}`.slice(0, MAX_NAME);
}
