import { isAbsolute, join, relative, sep } from "node:path";
import { ToolError, type PermissionRequest } from "../contracts/tool.ts";
import { WorktreeSet, stagedMessage, type MergeResult, type Worktree } from "../worktree/git-worktrees.ts";
import { realOfNearestExisting } from "../util/real-path.ts";
import type { Subtask } from "./types.ts";

/** Where one subtask's agent works, and what it holds while it does. */
export interface Lane {
  workspace: string;
  worktree?: Worktree;
  /** Hands the workspace back (the next file-changing subtask outside git may start). */
  release(): void;
}

type Authorize = (request: PermissionRequest) => Promise<void>;

/**
 * Gives each subtask a place to work: a file-changing one its own git worktree (merged back later) or,
 * outside git, the workspace to itself, one at a time; a read-only one the workspace as it is.
 */
export class SubtaskWorkspaces {
  /** Outside git: the tail of the queue of file-changing subtasks. */
  private exclusive: Promise<void> = Promise.resolve();

  private constructor(
    readonly workspace: string,
    private readonly worktrees: WorktreeSet | undefined,
  ) {}

  static async open(workspace: string, swarmId: string): Promise<SubtaskWorkspaces> {
    return new SubtaskWorkspaces(workspace, await WorktreeSet.open(workspace, swarmId));
  }

  get usesWorktrees(): boolean {
    return this.worktrees !== undefined;
  }

  /** Why the merges of file-changing subtasks would fail (changes staged in the repository), or undefined. */
  async mergeBlocker(): Promise<string | undefined> {
    const staged = (await this.worktrees?.stagedChanges()) ?? [];
    return staged.length ? stagedMessage(this.worktrees!.root, staged) : undefined;
  }

  async acquire(subtask: Subtask): Promise<Lane> {
    if (!subtask.needs_worktree) return { workspace: this.workspace, release: () => {} };
    if (this.worktrees) {
      const worktree = await this.worktrees.create(subtask.id);
      // The workspace may be a folder inside the repository: the same folder inside the worktree.
      const workspace = join(worktree.path, relative(this.worktrees.root, this.workspace));
      return { workspace, worktree, release: () => {} };
    }
    const previous = this.exclusive;
    let release!: () => void;
    this.exclusive = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return { workspace: this.workspace, release };
  }

  /** Merges the lane's branch into the checked-out branch; the worktree goes, its branch stays on a conflict. */
  async merge(lane: Lane, message: string): Promise<MergeResult | undefined> {
    if (!this.worktrees || !lane.worktree) return undefined;
    let merged = false;
    try {
      const result = await this.worktrees.merge(lane.worktree, message);
      merged = result.merged;
      return result;
    } finally {
      // Also when git refused the merge (it throws): the work stays on its branch.
      await this.worktrees.remove(lane.worktree, { deleteBranch: merged });
    }
  }

  /** A failed subtask's work is committed on its branch and kept there (resume continues on it). */
  async keep(lane: Lane, message: string): Promise<void> {
    if (!this.worktrees || !lane.worktree) return;
    await this.worktrees.commit(lane.worktree, message).catch(() => false);
    await this.worktrees.remove(lane.worktree);
  }

  /**
   * The parent's permission gate for an agent working in `lane`: a path in a worktree is judged as the
   * same path in the workspace, so a rule on `src/*` holds in every worktree too. An edit of the workspace
   * itself is refused: a worktree's agent changes files only in its worktree, or the merge would miss them.
   */
  authorizeIn(lane: Lane, parent: Authorize): Authorize {
    if (!lane.worktree || lane.workspace === this.workspace) return parent;
    const laneReal = realOfNearestExisting(lane.workspace);
    return async (request) => {
      const isPath = (request.kind === "read" || request.kind === "edit") && isAbsolute(request.target);
      if (!isPath) return parent(request);
      // Where a link in the worktree leads is judged too (the engine would follow the workspace's path instead).
      const real = realOfNearestExisting(request.target);
      for (const target of new Set([request.target, real]))
        await this.authorizePath(lane, laneReal, parent, { ...request, target });
    };
  }

  private authorizePath(lane: Lane, laneReal: string, parent: Authorize, request: PermissionRequest): Promise<void> {
    const inLane = within(lane.workspace, request.target) ?? within(laneReal, request.target);
    if (inLane !== undefined) return parent({ ...request, target: join(this.workspace, inLane) });
    if (request.kind === "edit" && within(this.workspace, request.target) !== undefined)
      throw new ToolError(
        `this sub-agent works in its own git worktree: change ${relative(this.workspace, request.target)} there (${lane.workspace}), not in the main workspace`,
      );
    return parent(request);
  }
}

/** `path` relative to `dir` when it is inside it. */
function within(dir: string, path: string): string | undefined {
  const rel = relative(dir, path);
  return rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel) ? rel : undefined;
}
