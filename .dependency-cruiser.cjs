// The layers of DESIGN.md: imports only point down, and there are no import cycles. `npm run deps` (CI).
const LAYERS = [
  ["contracts", ["contracts"]],
  ["foundation", ["util", "storage", "version.ts"]],
  ["core", ["agent", "tool", "provider", "session", "permission", "lsp", "mcp", "config", "secrets"]],
  [
    "services",
    [
      "events",
      "audit",
      "durable-logs",
      "bus",
      "control-plane",
      "a2a",
      "archive",
      "peers",
      "server",
      "sandbox",
      "plugins",
      "worktree",
      "scripted-model",
      "router",
      "k8s",
      "crash-reports",
      "postgres",
    ],
  ],
  ["app", ["app", "swarm", "ralph", "okr", "relay", "rlm", "cognition"]],
  ["adapters", ["cli", "tui", "worker"]],
];

const folders = (names) => `^src/(${names.map((n) => n.replace(".", "\\.")).join("|")})(/|$)`;
const above = (index) => LAYERS.slice(index + 1).flatMap(([, names]) => names);

module.exports = {
  forbidden: [
    { name: "no-circular", comment: "Import cycles", severity: "error", from: {}, to: { circular: true } },
    {
      name: "no-unknown-folder",
      comment: "Every folder of src/ has a layer (add new ones to LAYERS)",
      severity: "error",
      from: { path: "^src/", pathNot: folders(LAYERS.flatMap(([, names]) => names)) },
      to: {},
    },
    {
      name: "events-below-audit",
      comment: "audit is built on the event log; events never imports audit (durable-logs/ combines both)",
      severity: "error",
      from: { path: folders(["events"]) },
      to: { path: folders(["audit", "durable-logs"]) },
    },
    {
      name: "audit-below-durable-logs",
      comment: "durable-logs/ combines events and audit; neither imports it",
      severity: "error",
      from: { path: folders(["audit"]) },
      to: { path: folders(["durable-logs"]) },
    },
    ...LAYERS.slice(0, -1).map(([layer, names], index) => ({
      name: `${layer}-imports-up`,
      comment: `${layer} (${names.join(", ")}) may only import its own layer and those below`,
      severity: "error",
      from: { path: folders(names) },
      to: { path: folders(above(index)) },
    })),
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
  },
};
