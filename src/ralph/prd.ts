import { readFileSync } from "node:fs";
import { z } from "zod";
import { UserError } from "../contracts/errors.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";

// The original's prd.json (snake_case): names are public interface. Objects are loose so that fields a
// user added survive a save.

const name = z.string().optional();
const strings = z.array(z.string()).default([]);

const shellStep = z.looseObject({
  type: z.literal("shell"),
  name,
  command: z.string().min(1),
  cwd: z.string().optional(),
  expect_output_contains: strings,
  expect_files_glob: strings,
});

const fileExistsStep = z.looseObject({
  type: z.literal("file_exists"),
  name,
  path: z.string().min(1).optional(),
  glob: z.string().min(1).optional(),
});

const urlStep = z.looseObject({
  type: z.literal("url"),
  name,
  url: z.url(),
  method: z.string().default("GET"),
  expect_status: z.number().int().default(200),
  expect_body_contains: strings,
  timeout_secs: z.number().positive().default(30),
});

const verificationStepSchema = z.discriminatedUnion("type", [shellStep, fileExistsStep, urlStep]);

/** `dependencies` is the original's alias of `depends_on`; it is read, and saved as `depends_on`. */
function aliasDependencies(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const { dependencies, ...rest } = value as Record<string, unknown>;
  if (dependencies === undefined || "depends_on" in rest) return value;
  return { ...rest, depends_on: dependencies };
}

const userStorySchema = z.preprocess(
  aliasDependencies,
  z.looseObject({
    id: z.string().regex(/^[^\s]+$/, "must be a single word such as US-001"),
    title: z.string().min(1),
    description: z.string().default(""),
    acceptance_criteria: strings,
    verification_steps: z.array(verificationStepSchema).default([]),
    passes: z.boolean().default(false),
    priority: z.number().int().default(1),
    depends_on: strings,
    complexity: z.number().int().min(1).default(3),
  }),
);

export const QUALITY_GATES = ["typecheck", "lint", "test", "build"] as const;
export type QualityGate = (typeof QUALITY_GATES)[number];

const prdSchema = z
  .looseObject({
    project: z.string().min(1),
    feature: z.string().min(1),
    branch_name: z.string().min(1),
    version: z.string().default("1.0"),
    technical_requirements: strings,
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
    quality_checks: z
      .looseObject({
        typecheck: z.string().optional(),
        lint: z.string().optional(),
        test: z.string().optional(),
        build: z.string().optional(),
      })
      .default({}),
    user_stories: z.array(userStorySchema).min(1, "needs at least one story"),
  })
  .superRefine((prd, ctx) => {
    const ids = new Set<string>();
    prd.user_stories.forEach((story, index) => {
      if (ids.has(story.id))
        ctx.addIssue({ code: "custom", path: ["user_stories", index, "id"], message: `duplicate id ${story.id}` });
      ids.add(story.id);
      story.verification_steps.forEach((step, stepIndex) => {
        if (step.type === "file_exists" && !step.path && !step.glob)
          ctx.addIssue({
            code: "custom",
            path: ["user_stories", index, "verification_steps", stepIndex],
            message: "file_exists needs a path or a glob",
          });
      });
    });
    prd.user_stories.forEach((story, index) => {
      for (const dependency of story.depends_on)
        if (!ids.has(dependency) || dependency === story.id)
          ctx.addIssue({
            code: "custom",
            path: ["user_stories", index, "depends_on"],
            message: dependency === story.id ? "a story cannot depend on itself" : `unknown story ${dependency}`,
          });
    });
    const cycle = findCycle(prd.user_stories);
    if (cycle)
      ctx.addIssue({ code: "custom", path: ["user_stories"], message: `dependency cycle ${cycle.join(" → ")}` });
  });

export type Prd = z.infer<typeof prdSchema>;
export type UserStory = Prd["user_stories"][number];
export type VerificationStep = z.infer<typeof verificationStepSchema>;

/** A cycle of `depends_on` as story ids (first repeated at the end), or undefined. */
function findCycle(stories: Array<{ id: string; depends_on: string[] }>): string[] | undefined {
  const byId = new Map(stories.map((story) => [story.id, story]));
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string, trail: string[]): string[] | undefined => {
    if (state.get(id) === "done") return undefined;
    if (state.get(id) === "visiting") return [...trail.slice(trail.indexOf(id)), id];
    state.set(id, "visiting");
    for (const next of byId.get(id)?.depends_on ?? []) {
      if (!byId.has(next)) continue;
      const cycle = visit(next, [...trail, id]);
      if (cycle) return cycle;
    }
    state.set(id, "done");
    return undefined;
  };
  for (const story of stories) {
    const cycle = visit(story.id, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Validates a parsed prd.json; every problem is named by its path (`user_stories[1].title: …`). */
export function parsePrd(value: unknown, source = "prd.json"): Prd {
  const parsed = prdSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const where = issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
    return `${where.replace(/^\./, "") || "(top level)"}: ${issue.message}`;
  });
  throw new UserError(`invalid ${source}: ${problems.join("; ")}`);
}

export function loadPrd(path: string): Prd {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === "ENOENT"
        ? `no PRD at ${path} (create one with: codetether ralph create-prd --feature "…")`
        : `cannot read ${path}: ${(error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`invalid ${path}: not JSON (${(error as Error).message})`);
  }
  return parsePrd(json, path);
}

/** Saves the PRD atomically (a crash never leaves half a prd.json), stamping `updated_at`. */
export function savePrd(path: string, prd: Prd): void {
  prd.updated_at = new Date().toISOString();
  writeFileAtomic(path, `${JSON.stringify(prd, null, 2)}\n`);
}
