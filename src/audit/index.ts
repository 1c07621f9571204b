export { openAuditTrail, AuditTrail, type AuditQuery } from "./audit-trail.ts";
export { GENESIS_HASH, canonicalJson, hashRecord, type AuditInput, type AuditRecord, type AuditCorrelation } from "./audit-record.ts";
export { redact, redactText, isSecretKey, REDACTED } from "./redact.ts";
export { verifyChain, type ChainProblem, type VerifyResult } from "./verify-chain.ts";
