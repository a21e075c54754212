/**
 * `deno task demo`: the README's demo of the main job, on any machine with just Deno.
 *
 * 1. `init --demo ./orchestrator-demo` creates a git repository with a finalized sample mission
 *    (5 WPs in two dependency chains on two lanes) for the built-in host and deterministic
 *    command agents (the first review of WP02 asks for changes, to show a rework cycle);
 * 2. `orchestrate --mission 001-demo` drives every WP to done;
 * 3. `status` and `report` show what happened.
 *
 * A previous demo directory is replaced (it is ours: created by this script, git-ignored).
 *
 * @module
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { V8_FLAGS } from "./compile.ts";

const mainTs = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const dir = resolve(Deno.args[0] ?? "orchestrator-demo");

async function cli(args: string[], cwd: string): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    // The flags the released binary carries (see compile.ts), so the demo runs as users do.
    args: ["run", "--allow-all", `--v8-flags=${V8_FLAGS.join(",")}`, mainTs, ...args],
    cwd,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  return (await child.status).code;
}

function say(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(`\n\x1b[1m== ${text}\x1b[0m\n`));
}

try {
  const marker = await Deno.stat(join(dir, "kitty-specs", "001-demo"));
  if (marker.isDirectory) {
    say(`replacing the previous demo in ${dir}`);
    await Deno.remove(dir, { recursive: true });
  }
} catch {
  // No previous demo.
}

say(`spec-kitty-orchestrator init --demo ${dir}`);
let code = await cli(["init", "--demo", dir], Deno.cwd());
if (code !== 0) Deno.exit(code);

say("spec-kitty-orchestrator orchestrate --mission 001-demo");
code = await cli(["orchestrate", "--mission", "001-demo"], dir);

say("spec-kitty-orchestrator status");
await cli(["status"], dir);

say("spec-kitty-orchestrator report");
await cli(["report"], dir);
Deno.exit(code);
