import type { AuditInput } from "../audit/audit-record.ts";
import type { Config } from "../config/schema.ts";
import type { ServerApp } from "../server/app.ts";
import { CognitionEngine } from "./engine.ts";
import { cognitionRouter } from "./http-router.ts";
import { cognitionSettings } from "./settings.ts";
import { CognitionStore } from "./store.ts";
import { createThinker } from "./thinker.ts";

export interface CognitionMountOptions {
  config: Config;
  dataDir: string;
  /** Serve's model (`-m`), the thinker's when neither CODETETHER_COGNITION_THINKER_MODEL nor `[cognition]` names one. */
  modelRef?: string;
  audit?: (input: AuditInput) => void;
  log?: (line: string) => void;
}

/**
 * The cognition and persona APIs of `serve`, behind bearer auth; starts the loop when
 * CODETETHER_COGNITION_AUTO_START is set. Returns `close`, which stops the loop.
 */
export function mountCognition(
  server: Pick<ServerApp, "mount">,
  options: CognitionMountOptions,
): { close(): Promise<void> } {
  const settings = cognitionSettings(options.config);
  const engine = new CognitionEngine({
    settings,
    store: new CognitionStore(options.dataDir, settings.maxSnapshots),
    thinker: createThinker(settings.thinker, options.config, options.modelRef),
    audit: options.audit,
    log: options.log,
  });
  server.mount("/", cognitionRouter({ engine, enabled: settings.enabled, audit: options.audit }));
  if (settings.enabled && settings.autoStart) engine.start({});
  return { close: () => engine.stop() };
}
