/**
 * `init`: writes a commented orchestration.yaml (every value the default) at the repository
 * root, or with `--demo` creates the demo repository.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { ExitCode, UserError } from "../domain/errors.ts";
import type { Terminal } from "../output/terminal.ts";
import { DEFAULT_CONFIG_YAML } from "../config/template.ts";
import { createDemo } from "../demo/demo.ts";
import type { InitOptions } from "./options.ts";
import { findRepoRoot } from "./repo_root.ts";

/** Runs `init` and returns the exit code; `cwd` resolves `dir` and starts the repo search. */
export async function runInit(opts: InitOptions, term: Terminal, cwd: string = Deno.cwd()): Promise<number> {
  if (opts.demo) {
    await createDemo(opts.dir ?? "./orchestrator-demo", term);
    return ExitCode.Ok;
  }
  const dir = opts.dir !== undefined ? resolve(cwd, opts.dir) : await findRepoRoot(opts.repoRoot, cwd);
  const path = join(dir, "orchestration.yaml");
  try {
    await Deno.writeTextFile(path, DEFAULT_CONFIG_YAML, { createNew: !opts.force });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      throw new UserError(`Cannot write ${path} as it must not exist without --force: current file would be replaced`, {
        fix: "Edit the existing file (then run `spec-kitty-orchestrator validate`), or pass --force to overwrite it.",
      });
    }
    if (error instanceof Deno.errors.NotFound) {
      throw new UserError(`Cannot write ${path} as its directory must exist: current value is ${JSON.stringify(dir)}`);
    }
    throw error;
  }
  term.line(`Wrote ${path}.`);
  term.line("Every value in it is the default; edit it, then check it with `spec-kitty-orchestrator validate`.");
  return ExitCode.Ok;
}
