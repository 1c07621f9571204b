import { basename } from "node:path";
import type { Prd } from "./prd.ts";
import type { QualityChecks } from "./project-checks.ts";

export interface PrdHeader {
  project: string;
  feature: string;
  checks: QualityChecks;
}

/** `ralph/user-auth` for "User Auth". */
function branchFor(feature: string): string {
  const slug = feature
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50);
  return `ralph/${slug || "feature"}`;
}

export const projectNameOf = (root: string) => basename(root) || "project";

/** The PRD's common part: what create-prd knows without a model. */
export function prdHeader({
  project,
  feature,
  checks,
}: PrdHeader): Pick<
  Prd,
  | "project"
  | "feature"
  | "branch_name"
  | "version"
  | "technical_requirements"
  | "created_at"
  | "updated_at"
  | "quality_checks"
> {
  const now = new Date().toISOString();
  return {
    project,
    feature,
    branch_name: branchFor(feature),
    version: "1.0",
    technical_requirements: [],
    created_at: now,
    updated_at: now,
    quality_checks: checks,
  };
}

const id = (n: number) => `US-${String(n).padStart(3, "0")}`;

/** `--template`: the header and N placeholder stories, each after the previous one, to edit by hand. */
export function templatePrd(header: PrdHeader, stories = 1): Prd {
  return {
    ...prdHeader(header),
    user_stories: Array.from({ length: stories }, (_, i) => ({
      id: id(i + 1),
      title: `${header.feature}: step ${i + 1}`,
      description: `As a user, I want … so that …`,
      acceptance_criteria: ["Describe an observable result", "The quality checks pass"],
      verification_steps: [],
      passes: false,
      priority: i + 1,
      depends_on: i === 0 ? [] : [id(i)],
      complexity: 3,
    })),
  };
}
