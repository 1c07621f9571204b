import { auditKeyFrom } from "../../src/audit/index.ts";

/** The audit key of in-process writers in tests (a CLI subprocess gets it as CODETETHER_AUDIT_KEY). */
export const TEST_AUDIT_SECRET = "test audit key, not a secret";
export const TEST_AUDIT_KEY = auditKeyFrom(TEST_AUDIT_SECRET, "test");
