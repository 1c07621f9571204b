import { z } from "zod";
import { defineTool, ToolError, type ToolContext } from "../../contracts/tool.ts";
import { privateAddressOf } from "../../util/private-address.ts";
import { truncateToFile } from "../truncate.ts";
import { httpGet } from "./http-get.ts";
import description from "./webfetch.txt";

const MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_TIMEOUT_S = 30;

export const webfetchTool = defineTool({
  name: "webfetch",
  description,
  kind: "network",
  parameters: z.object({
    url: z.string().min(1),
    format: z.enum(["markdown", "text", "html"]).optional(),
    timeout: z.number().int().min(1).max(120).optional().describe("seconds"),
  }),
  targets({ url }) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ToolError(`not a URL: ${url}`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
      throw new ToolError(`only http and https URLs can be fetched, not ${parsed.protocol}`);
    return [{ target: parsed.href, url: parsed }];
  },
  async execute({ format = "markdown", timeout = DEFAULT_TIMEOUT_S }, ctx, [{ url: parsed }]) {
    const response = await httpGet(parsed.href, {
      signal: ctx.signal,
      timeoutMs: timeout * 1000,
      maxBytes: MAX_BYTES,
      headers: { accept: "text/html,text/markdown,text/plain;q=0.9,*/*;q=0.5", "user-agent": "codetether" },
      beforeHop: (url, hop) => authorizeHop(url, hop, ctx),
    });
    if (response.status >= 400) throw new ToolError(`${parsed.href} answered HTTP ${response.status}`);
    const isHtml = /html/i.test(response.contentType) || /^\s*<(!doctype html|html)/i.test(response.body);
    const text = isHtml && format !== "html" ? await htmlTo(format, response.body) : response.body;
    const cut = truncateToFile(text, { outputDir: ctx.outputDir, name: "webfetch" });
    return {
      output: cut.text,
      fullOutputPath: cut.fullOutputPath,
      title: `${parsed.href} (${response.contentType.split(";")[0] || "unknown type"})`,
    };
  },
});

/**
 * Every hop is judged by the rules like the URL asked for (the runner judged the first one already), and
 * one whose host resolves to a private, loopback or link-local address also by `private_network`, which
 * refuses unless a rule allows it: a page must not steer the fetch to the metadata service or localhost.
 */
async function authorizeHop(url: URL, hop: number, ctx: ToolContext): Promise<void> {
  const address = await privateAddressOf(url.hostname);
  if (!address && hop === 0) return;
  try {
    await ctx.authorize({ tool: "webfetch", kind: "network", target: url.href, ...(address ? { private: true } : {}) });
  } catch (error) {
    if (!address || !(error instanceof ToolError)) throw error;
    throw new ToolError(
      `${url.href} resolves to the private or loopback address ${address}; webfetch refuses it unless config.toml allows it, e.g. [permission.private_network] "${url.origin}/*" = "allow"`,
    );
  }
}

async function htmlTo(format: "markdown" | "text", html: string): Promise<string> {
  const { default: TurndownService } = await import("turndown");
  const turndown = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced" });
  turndown.remove(["script", "style", "noscript", "iframe"]);
  const markdown = turndown.turndown(html);
  if (format === "markdown") return markdown;
  // Plain text: the markdown without its markup.
  return markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/^#+\s*|[*_`]{1,3}/gm, "")
    .replace(/\n{3,}/g, "\n\n");
}
