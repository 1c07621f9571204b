export { openAuditTrail, AuditTrail, type AuditQuery } from "./audit-trail.ts";
export {
  GENESIS_HASH,
  canonicalJson,
  hashRecord,
  type AuditInput,
  type AuditRecord,
  type AuditCorrelation,
} from "./audit-record.ts";
export { verifyChain, type ChainProblem, type VerifyResult } from "./verify-chain.ts";
export { auditKeyFrom, type AuditKey } from "./audit-key.ts";
export { resolveAuditKey, auditKeyFile, AUDIT_KEY_ENV, VAULT_AUDIT_PATH } from "./resolve-audit-key.ts";
export { newestHeads, verifyAudit, verifyWriter, type SlotVerifyResult } from "./verify-audit.ts";
