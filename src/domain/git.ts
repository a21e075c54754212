/**
 * The git port: what the engine asks of git for a WP's workspace (ensure it, commit the agent's
 * work, diff it for review, discard a reviewer's edits). `proc/worktree_git.ts` implements it
 * over real git; tests fake it.
 *
 * @module
 */

/** Where a WP's workspace ended up and what we created for it. */
export interface EnsuredWorkspace {
  path: string;
  branch: string;
  /** True when we ran `git worktree add`. */
  createdWorktree: boolean;
  /** The branch we created, if any. */
  createdBranch: string | null;
}

/** Outcome of the commit gate. */
export type CommitGateResult =
  | { ok: true; head: string; committed: boolean; files: string[] }
  | { ok: false; kind: "wrong_branch" | "no_output" | "git_error"; message: string };

/** Input of {@link Git.ensureWorkspace}. */
export interface WorkspaceRequest {
  workspacePath: string;
  laneBranch?: string;
  laneBaseRef?: string;
  /** Branch to create when the host names no lane branch (legacy WPs). */
  fallbackBranch: string;
}

/** A workspace that cannot be used; the WP fails with this message. */
export class WorkspaceError extends Error {
  /** Set when the worktree is on another branch than the lane's (the next steps name the checkout). */
  readonly wrongBranch: { workspace: string; branch: string } | null;

  constructor(message: string, options: { wrongBranch?: { workspace: string; branch: string } } = {}) {
    super(message);
    this.wrongBranch = options.wrongBranch ?? null;
  }

  override get name(): string {
    return "WorkspaceError";
  }
}

/** Git, as the engine uses it. */
export interface Git {
  /** The commit id of HEAD in `ws`. */
  head(ws: string): Promise<string>;
  /** The checked-out branch, or null when HEAD is detached. */
  currentBranch(ws: string): Promise<string | null>;
  /** `git merge-base ref HEAD`, or null when it cannot be computed. */
  mergeBase(ws: string, ref: string): Promise<string | null>;
  /**
   * Makes sure the host's workspace path is a usable worktree inside `<repo>/.worktrees/` on the
   * expected branch, creating it when missing.
   *
   * @throws {WorkspaceError} when the path escapes `.worktrees/`, is not a directory, is not a
   * worktree or is on another branch.
   */
  ensureWorkspace(repoRoot: string, request: WorkspaceRequest): Promise<EnsuredWorkspace>;
  /**
   * Commits the agent's work on `branch` and requires at least one commit in `base..HEAD`.
   * Orchestrator files under `.kittify/` are never staged.
   */
  commitGate(ws: string, branch: string | null, base: string, message: string): Promise<CommitGateResult>;
  /** `git diff base..HEAD` (stat then patch), capped at `maxBytes`. */
  diff(ws: string, base: string, maxBytes: number): Promise<string>;
  /**
   * Puts `ws` back to commit `head` with a clean tree (our own `.kittify` files and ignored files
   * kept) and returns what was discarded: changed or untracked paths, and `HEAD moved to <sha>`
   * when commits were made. Empty when nothing had changed. Used after a review: a reviewer must
   * not leave edits that the next WP on the lane would trip over.
   */
  discardChanges(ws: string, head: string): Promise<string[]>;
  /**
   * The configuration entries that can make git run a program (filters, drivers, hooks, signing,
   * includes, aliases...), with their origin: a change means an agent tampered with it. Harmless
   * entries (e.g. branch tracking written by `worktree add`) are left out.
   */
  configFingerprint(ws: string): Promise<string>;
}
