import type { BusEnvelope } from "./envelope.ts";

const decoder = new TextDecoder();

/** Parses a NATS message (core or JetStream) into an envelope; foreign publishers' messages are skipped with a warning. */
export function decodeEnvelope(msg: { data: Uint8Array; subject: string; reply?: string }): BusEnvelope | undefined {
  try {
    const envelope = JSON.parse(decoder.decode(msg.data)) as BusEnvelope;
    if (typeof envelope?.kind !== "string" || typeof envelope.topic !== "string") throw new Error("not an envelope");
    if (msg.reply) envelope.replyTo = msg.reply;
    return envelope;
  } catch {
    process.emitWarning(`ignored a message on '${msg.subject}' that is not a CodeTether bus envelope`);
    return undefined;
  }
}
