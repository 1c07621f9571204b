import { displayUrl } from "../../util/display-url.ts";
import type { Config } from "../../config/schema.ts";
import { PROVIDERS } from "../../provider/catalog.ts";
import { envKeyNames } from "../../secrets/credentials.ts";
import { vaultFromEnv } from "../../secrets/vault.ts";
import type { SessionInfo } from "../../session/store.ts";
import { age } from "../../cli/output.ts";
import type { PickerItem } from "../components/picker.tsx";
import { compactNumber, dollars } from "../components/format.ts";

/**
 * Every model the catalog and config.toml know, marked with where its key would come from; models
 * without a key are listed (dimmed) so the user sees what setting a key would unlock.
 */
export function modelItems(
  config: Config,
  env = process.env,
  /** Custom providers' models as their `/models` endpoints list them, once fetched. */
  listed: ReadonlyMap<string, string[]> = new Map(),
): PickerItem[] {
  const vault = vaultFromEnv(env) ? "vault" : undefined;
  const items: PickerItem[] = [];
  for (const provider of PROVIDERS) {
    const custom = config.providers[provider.id];
    const envKey = envKeyNames(provider, custom).find((k) => env[k]);
    const key = envKey ? `key: ${envKey}` : vault ? "key: vault" : "no key";
    const models = new Set([...provider.models.map((m) => m.id), ...(custom?.model ? [custom.model] : [])]);
    for (const id of models) {
      const info = provider.models.find((m) => m.id === id);
      const price = info?.inputPrice !== undefined ? ` · $${info.inputPrice}/$${info.outputPrice} per M` : "";
      items.push({
        value: `${provider.id}/${id}`,
        label: `${provider.id}/${id}`,
        hint: `${key}${info ? ` · ${compactNumber(info.contextWindow)} ctx` : ""}${price}`,
        dim: !envKey && !vault,
      });
    }
  }
  for (const [id, custom] of Object.entries(config.providers)) {
    if (PROVIDERS.some((p) => p.id === id) || custom.type !== "openai-compatible") continue;
    const hint = `custom · ${custom.base_url ? displayUrl(custom.base_url) : "no base_url"}`;
    const refs = listed.get(id);
    if (refs?.length) {
      for (const ref of refs) items.push({ value: ref, label: ref, hint });
      continue;
    }
    const model = custom.model ?? "default";
    items.push({ value: custom.model ? `${id}/${model}` : id, label: `${id}/${model}`, hint });
  }
  return items;
}

/** This directory's sessions, newest first: title, age and size. */
export function sessionItems(sessions: SessionInfo[], currentId: string): PickerItem[] {
  return sessions.map((s) => ({
    value: s.id,
    label: `${s.id === currentId ? "● " : ""}${s.title || "(untitled)"}`,
    hint: `${age(s.updatedAt)} · ${s.messageCount} messages · ${compactNumber(s.inputTokens + s.outputTokens)} tokens · ${dollars(s.cost)} · ${s.id}`,
  }));
}
