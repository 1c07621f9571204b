import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { QUALITY_GATES, type QualityGate } from "./prd.ts";

export type QualityChecks = Partial<Record<QualityGate, string>>;

export interface DetectedProject {
  /** What was recognised: "node", "rust", "python", "go", "make", or "unknown". */
  kind: string;
  checks: QualityChecks;
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

/** npm's placeholder `test` script only fails: it is no gate. */
const NPM_PLACEHOLDER = /no test specified/;

function nodeChecks(root: string): QualityChecks | undefined {
  const text = read(join(root, "package.json"));
  if (text === undefined) return undefined;
  let scripts: Record<string, unknown> = {};
  try {
    scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts ?? {};
  } catch {
    return {};
  }
  const runner = existsSync(join(root, "pnpm-lock.yaml"))
    ? "pnpm"
    : existsSync(join(root, "yarn.lock"))
      ? "yarn"
      : "npm";
  const checks: QualityChecks = {};
  for (const gate of QUALITY_GATES) {
    const script = scripts[gate];
    if (typeof script === "string" && !NPM_PLACEHOLDER.test(script)) checks[gate] = `${runner} run ${gate}`;
  }
  return checks;
}

function rustChecks(root: string): QualityChecks | undefined {
  if (!existsSync(join(root, "Cargo.toml"))) return undefined;
  return {
    typecheck: "cargo check --all-targets",
    lint: "cargo clippy --all-targets -- -D warnings",
    test: "cargo test",
    build: "cargo build",
  };
}

function pythonChecks(root: string): QualityChecks | undefined {
  const pyproject = read(join(root, "pyproject.toml"));
  const markers = ["setup.py", "setup.cfg", "pytest.ini", "requirements.txt"].some((f) => existsSync(join(root, f)));
  if (pyproject === undefined && !markers) return undefined;
  const has = (section: string, file: string) =>
    (pyproject ?? "").includes(`[tool.${section}`) || existsSync(join(root, file));
  const checks: QualityChecks = { test: "python -m pytest" };
  if (has("mypy", "mypy.ini")) checks.typecheck = "python -m mypy .";
  if (has("ruff", "ruff.toml")) checks.lint = "ruff check .";
  return checks;
}

function goChecks(root: string): QualityChecks | undefined {
  if (!existsSync(join(root, "go.mod"))) return undefined;
  return { typecheck: "go vet ./...", test: "go test ./...", build: "go build ./..." };
}

/** A Makefile's own targets named like the gates (`check` counts as typecheck). */
function makeChecks(root: string): QualityChecks | undefined {
  const text = read(join(root, "Makefile")) ?? read(join(root, "makefile"));
  if (text === undefined) return undefined;
  const targets = new Set([...text.matchAll(/^([A-Za-z][\w-]*)\s*:(?!=)/gm)].map((m) => m[1]!));
  const checks: QualityChecks = {};
  for (const gate of QUALITY_GATES) if (targets.has(gate)) checks[gate] = `make ${gate}`;
  if (!checks.typecheck && targets.has("check")) checks.typecheck = "make check";
  return checks;
}

const DETECTORS: Array<[string, (root: string) => QualityChecks | undefined]> = [
  ["node", nodeChecks],
  ["rust", rustChecks],
  ["python", pythonChecks],
  ["go", goChecks],
];

/**
 * The quality gates of the project at `root`, from what it declares: package.json scripts, Cargo.toml,
 * pyproject/pytest, go.mod; a Makefile's targets fill the gates the language left open.
 */
export function detectProject(root: string): DetectedProject {
  const make = makeChecks(root);
  for (const [kind, detect] of DETECTORS) {
    const checks = detect(root);
    if (checks) return { kind, checks: { ...make, ...checks } };
  }
  return make ? { kind: "make", checks: make } : { kind: "unknown", checks: {} };
}
