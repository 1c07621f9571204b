import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { UserError } from "../contracts/errors.ts";

/** One `[mcp.<name>]` table: a local server started with `command`, or a remote one at `url`. */
export const mcpServerSchema = z
  .object({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    /** Added to a minimal inherited environment (PATH, HOME, …); the rest of ours is not passed on. */
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().min(1).optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    headers: z.record(z.string(), z.string()).default({}),
    enabled: z.boolean().default(true),
    /** Milliseconds to start, initialise and list tools before the server is skipped. */
    timeout: z.number().int().positive().default(10_000),
    /** Milliseconds each tool call may take: long-running tools (builds, queries) get more than the SDK's 60 s. */
    call_timeout: z.number().int().positive().default(300_000),
  })
  .strict()
  .refine((s) => Boolean(s.command) !== Boolean(s.url), {
    message: "set either 'command' (stdio) or 'url' (streamable HTTP)",
  });

export type McpServerConfig = z.infer<typeof mcpServerSchema>;

/** The validated `[mcp]` section, in file order; a mistake is a one-line error naming the key. */
export function mcpServers(config: Config): Array<{ name: string; server: McpServerConfig }> {
  const section = config.mcp;
  if (section === undefined) return [];
  const parsed = z.record(z.string(), mcpServerSchema).safeParse(section);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = ["mcp", ...issue.path.map(String)].join(".");
    const what =
      issue.code === "unrecognized_keys" ? `unknown key ${issue.keys.map((k) => `'${k}'`).join(", ")}` : issue.message;
    throw new UserError(`invalid config [mcp]: '${where}': ${what}`);
  }
  return Object.entries(parsed.data).map(([name, server]) => ({ name, server }));
}
