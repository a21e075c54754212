import { assert, assertEquals } from "../test/support/assert.ts";
import { runDeno } from "./run_deno.ts";

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

Deno.test("runDeno() reports the child's exit and kills its group at the time limit", async () => {
  const cwd = Deno.cwd();
  assertEquals(await runDeno(["eval", "Deno.exit(0)"], { cwd, timeoutMs: 30_000 }), true);
  assertEquals(await runDeno(["eval", "Deno.exit(3)"], { cwd, timeoutMs: 30_000 }), false);
  assertEquals(await runDeno(["eval", "setTimeout(() => {}, 60_000)"], { cwd, timeoutMs: 300 }), false);
});

Deno.test({
  name: "runDeno(): SIGINT to the script kills the build it started and exits 130",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sko-run-deno-" });
    try {
      const pidFile = `${dir}/child.pid`;
      // The script starts a child that writes its pid and waits a minute; we interrupt the script.
      const script = `${dir}/script.ts`;
      await Deno.writeTextFile(
        script,
        `import { runDeno } from ${JSON.stringify(new URL("./run_deno.ts", import.meta.url).href)};\n` +
          `await runDeno(["eval", ${
            JSON.stringify(
              `Deno.writeTextFileSync(${JSON.stringify(pidFile)}, String(Deno.pid)); setTimeout(() => {}, 60_000)`,
            )
          }], { cwd: ${JSON.stringify(dir)}, timeoutMs: 120_000 });\n`,
      );
      const parent = new Deno.Command(Deno.execPath(), { args: ["run", "-A", script], stdout: "null", stderr: "null" })
        .spawn();
      let childPid = 0;
      for (let i = 0; i < 200 && childPid === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        childPid = Number(await Deno.readTextFile(pidFile).catch(() => "0"));
      }
      assert(childPid > 0, "the child started");
      parent.kill("SIGINT");
      assertEquals((await parent.status).code, 130);
      for (let i = 0; i < 100 && alive(childPid); i++) await new Promise((r) => setTimeout(r, 20));
      assertEquals(alive(childPid), false, "no build left running");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
