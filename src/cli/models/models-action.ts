import { loadConfig } from "../../config/load.ts";
import { listModels, type ProviderListing } from "../../provider/model-list.ts";
import { findProvider } from "../../provider/catalog.ts";
import { defaultOrFirstWithKey, parseModelRef } from "../../provider/resolve.ts";
import type { Config } from "../../config/schema.ts";
import { painter, printJson } from "../output.ts";

export interface ModelsOptions {
  config?: string;
  all?: boolean;
  json?: boolean;
}

/** `codetether models`: every usable provider's models, the default one marked; --json for scripts. */
export async function modelsAction(filter: string | undefined, options: ModelsOptions): Promise<void> {
  const { config } = loadConfig(options.config);
  const current = await currentModel(config);
  const listings = (await listModels(config, { all: options.all }))
    .map((l) => ({ ...l, models: l.models.filter((m) => !filter || m.ref.includes(filter)) }))
    .filter((l) => l.models.length || (!filter && l.error));
  if (options.json)
    return printJson(
      listings.map((l) => ({ ...l, models: l.models.map((m) => ({ ...m, default: m.ref === current })) })),
    );
  if (listings.length === 0) {
    process.stdout.write(
      filter
        ? `no model matches '${filter}'${options.all ? "" : " (--all lists providers without a key too)"}\n`
        : "no provider is configured: set an API key (e.g. MOONSHOT_API_KEY) or add [providers.<id>] to config.toml (--all lists every known model)\n",
    );
    return;
  }
  const paint = painter(process.stdout);
  for (const listing of listings) {
    process.stdout.write(`${paint("bold", listing.provider)} ${paint("dim", describe(listing))}\n`);
    if (listing.error) process.stdout.write(`  ${paint("yellow", listing.error)}\n`);
    for (const model of listing.models) {
      const mark = model.ref === current ? paint("green", "● ") : "  ";
      const facts = [
        model.contextWindow ? `${Math.round(model.contextWindow / 1000)}k ctx` : "",
        model.inputPrice !== undefined ? `$${model.inputPrice}/$${model.outputPrice} per M` : "",
      ].filter(Boolean);
      process.stdout.write(`${mark}${model.ref}${facts.length ? paint("dim", `  ${facts.join(" · ")}`) : ""}\n`);
    }
  }
}

function describe(listing: ProviderListing): string {
  const key = listing.key === "none" ? "no key" : `key: ${listing.key}`;
  return listing.custom ? `(custom · ${listing.baseUrl ?? "no base_url"} · ${key})` : `(${key})`;
}

/**
 * The model a run without `-m` uses, as `provider/model` (a provider named alone means its configured or
 * default model): `[default]`'s, else the first provider with a key.
 */
async function currentModel(config: Config): Promise<string | undefined> {
  const ref = await defaultOrFirstWithKey(config);
  if (!ref) return undefined;
  const { providerId, modelId } = parseModelRef(ref);
  const model = modelId ?? config.providers[providerId]?.model ?? findProvider(providerId)?.defaultModel;
  return model ? `${providerId}/${model}` : undefined;
}
