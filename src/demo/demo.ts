/**
 * `spec-kitty-orchestrator init --demo [DIR]`: a git repository with a finalized sample
 * mission, the built-in host and deterministic script agents, so the whole product can be
 * tried in seconds without Python, spec-kitty or API keys.
 *
 * Layout: `main` holds an initial commit; everything else is committed on `feature/demo`
 * (planning must not land on a protected branch, as with the real host).
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { UserError } from "../domain/errors.ts";
import type { Terminal } from "../output/terminal.ts";
import { DEMO_BRANCH, DEMO_MISSION, demoFiles } from "./demo_files.ts";
import { git } from "../builtin-host/git.ts";

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(path)) return true;
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    if (error instanceof Deno.errors.NotADirectory) return true;
    throw error;
  }
}

async function run(cwd: string, args: string[]): Promise<void> {
  const result = await git(cwd, args);
  if (result.code !== 0) {
    throw new UserError(`Cannot create the demo as 'git ${args.join(" ")}' failed: ${result.stderr.trim()}`, {
      fix: "Check that git >= 2.28 is installed and on PATH.",
    });
  }
}

/**
 * Creates the demo repository in `dir` (relative to the cwd).
 *
 * @throws {UserError} when `dir` exists and is not empty, or git fails.
 */
export async function createDemo(dir: string, term: Terminal): Promise<void> {
  const root = resolve(dir);
  if (await isNonEmptyDir(root)) {
    throw new UserError(`Cannot create the demo in ${root} as the directory must be empty or absent: it has files`, {
      fix: "Pass another directory, e.g. `spec-kitty-orchestrator init --demo ./orchestrator-demo-2`.",
    });
  }
  await Deno.mkdir(root, { recursive: true });
  await run(root, ["init", "-q", "-b", "main"]);
  if ((await git(root, ["var", "GIT_COMMITTER_IDENT"])).code !== 0) {
    // No identity configured on this machine: give the demo repo its own so commits work.
    await run(root, ["config", "user.name", "Orchestrator Demo"]);
    await run(root, ["config", "user.email", "demo@orchestrator.invalid"]);
  }
  const files = demoFiles(new Date());
  const write = async (path: string) => {
    const full = join(root, path);
    await Deno.mkdir(dirname(full), { recursive: true });
    await Deno.writeTextFile(full, files[path] ?? "");
  };
  await write("README.md");
  await write(".gitignore");
  await run(root, ["add", "README.md", ".gitignore"]);
  await run(root, ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "Initial commit"]);
  await run(root, ["checkout", "-q", "-b", DEMO_BRANCH]);
  for (const path of Object.keys(files)) await write(path);
  await Deno.chmod(join(root, ".kittify", "demo-agent.sh"), 0o755);
  await run(root, ["add", "-A"]);
  await run(root, ["-c", "commit.gpgsign=false", "commit", "-q", "-m", `Add demo mission ${DEMO_MISSION} (finalized)`]);
  term.line(`Created the demo repository in ${root}`);
  term.line(`  branch ${DEMO_BRANCH}, mission ${DEMO_MISSION}: WP01→WP02→WP03 and WP04→WP05 on two lanes`);
  term.line(
    "  host: built-in; agents: .kittify/demo-agent.sh (deterministic; the first review of WP02 asks for changes)",
  );
  term.line("Next:");
  term.line(`  cd ${dir} && spec-kitty-orchestrator orchestrate --mission ${DEMO_MISSION}`);
}
