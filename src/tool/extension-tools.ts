import type { Tool } from "../contracts/tool.ts";

/**
 * The tools of MCP servers and plugins that may join `own`: one whose name another tool already has is
 * left out, with a warning. Named `<server>_<tool>`, a server `write` with a tool `file` would otherwise
 * take the calls meant for write_file (and the model would be offered two tools of one name).
 */
export function extensionTools(own: Tool[], extensions: Tool[], warn?: (message: string) => void): Tool[] {
  const names = new Set(own.map((tool) => tool.name));
  return extensions.filter((tool) => {
    if (names.has(tool.name)) {
      warn?.(`left out the MCP or plugin tool ${tool.name}: a tool of that name exists already`);
      return false;
    }
    names.add(tool.name);
    return true;
  });
}
