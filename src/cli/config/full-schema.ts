import { z } from "zod";
import { serverSectionSchema } from "../../a2a/server-config.ts";
import { ArchiveSection } from "../../archive/config.ts";
import { busConfigSchema } from "../../bus/create-bus.ts";
import { cognitionSectionSchema } from "../../cognition/settings.ts";
import { configSchema } from "../../config/schema.ts";
import { k8sSectionSchema } from "../../k8s/config.ts";
import { lspSectionSchema } from "../../lsp/config.ts";
import { mcpServerSchema } from "../../mcp/config.ts";
import { pluginsSectionSchema } from "../../plugins/config.ts";
import { storageSectionSchema } from "../../postgres/config.ts";
import { rlmSectionSchema } from "../../rlm/config.ts";
import { routerSectionSchema } from "../../router/config.ts";
import { websearchSchema } from "../../tool/builtin/search-backend.ts";
import { listThemes, unknownTheme } from "../../tui/theme/load-theme.ts";

/**
 * config.toml as a whole, for `config --set`: the core sections plus those each feature checks when it
 * runs, no other key, and a `[ui] theme` that names a theme (built-in or in the themes directory).
 */
export function fullConfigSchema(): z.ZodType {
  return configSchema
    .extend({
      mcp: z.record(z.string(), mcpServerSchema).optional(),
      lsp: lspSectionSchema.optional(),
      server: serverSectionSchema.optional(),
      bus: busConfigSchema.optional(),
      archive: ArchiveSection.optional(),
      websearch: websearchSchema.optional(),
      plugins: pluginsSectionSchema.optional(),
      rlm: rlmSectionSchema.optional(),
      router: routerSectionSchema.optional(),
      k8s: k8sSectionSchema.optional(),
      cognition: cognitionSectionSchema.optional(),
      storage: storageSectionSchema.optional(),
    })
    .strict()
    .superRefine((config, ctx) => {
      if (!listThemes().includes(config.ui.theme))
        ctx.addIssue({ code: "custom", path: ["ui", "theme"], message: unknownTheme(config.ui.theme) });
    });
}
