import { join } from "node:path";
import { assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { NOT_FOUND_EXIT_CODE, runTool, TIMEOUT_EXIT_CODE, ToolCallError } from "./tool_call.ts";

Deno.test("runTool() passes arguments with shell metacharacters verbatim", async () => {
  const args = [
    "a b",
    "$HOME",
    "*",
    "x'y\"z",
    "",
    "line1\nline2",
    "; rm -rf /",
    "`id`",
    "$(id)",
    "~",
    "a|b&c>d<e",
    "back\\slash",
    "ünïcødé",
    "--",
  ];
  const out = await runTool(["printf", "%s\\0", ...args], { cwd: Deno.cwd() });
  assertEquals(out.code, 0);
  assertEquals(out.stdout.split("\0").slice(0, -1), args);
});

Deno.test("runTool() runs the real binary, not a dax built-in of the same name", async () => {
  // dax's built-in echo prints "-n x\n"; /bin/echo (POSIX sh semantics) honours -n.
  const out = await runTool(["echo", "-n", "x"], { cwd: Deno.cwd() });
  assertEquals(out.stdout, "x");
});

Deno.test("runTool() kills a tool that outlives its timeout", async () => {
  const out = await runTool(["sleep", "30"], { cwd: Deno.cwd(), timeoutMs: 200 });
  assertEquals(out.timedOut, true);
  assertEquals(out.code, TIMEOUT_EXIT_CODE);
});

Deno.test("runTool() reports a missing binary as code 127 with a clear message", async () => {
  const out = await runTool(["sko-no-such-binary-xyz", "--version"], { cwd: Deno.cwd() });
  assertEquals(out.code, NOT_FOUND_EXIT_CODE);
  assertEquals(out.timedOut, false);
  assertStringIncludes(out.stderr, "Cannot run 'sko-no-such-binary-xyz'");
  const relative = await runTool(["./sko-no-such-binary-xyz"], { cwd: Deno.cwd() });
  assertEquals(relative.code, NOT_FOUND_EXIT_CODE);
  assertStringIncludes(relative.stderr, "it was not found");
});

Deno.test("runTool() keeps a tool's own exit 127 and stderr", async () => {
  const out = await runTool(["sh", "-c", "echo own >&2; exit 127"], { cwd: Deno.cwd() });
  assertEquals(out.code, 127);
  assertEquals(out.stderr, "own\n");
});

Deno.test("runTool() runs in cwd, with env added and stdin text", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const out = await runTool(["sh", "-c", 'pwd; echo "$SKO_TOOL_TEST"; cat; echo err >&2; exit 3'], {
      cwd: dir,
      env: { SKO_TOOL_TEST: "v a l" },
      stdin: "from stdin\n",
    });
    assertEquals(out, { code: 3, stdout: `${dir}\nv a l\nfrom stdin\n`, stderr: "err\n", timedOut: false });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runTool() gives the tool an empty stdin by default", async () => {
  const out = await runTool(["cat"], { cwd: Deno.cwd(), timeoutMs: 5_000 });
  assertEquals(out, { code: 0, stdout: "", stderr: "", timedOut: false });
});

Deno.test("runTool() caps each output stream and marks the cut", async () => {
  const out = await runTool(["sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a; echo e >&2"], {
    cwd: Deno.cwd(),
    maxOutputBytes: 10,
  });
  assertEquals(out.code, 0);
  assertEquals(out.stdout, "aaaaaaaaaa\n[output truncated at 10 bytes of 100000]\n");
  assertEquals(out.stderr, "e\n");
});

Deno.test("runTool() throws ToolCallError for a missing cwd or an empty argv", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.remove(dir);
  const error = await assertRejects(() => runTool(["pwd"], { cwd: join(dir, "gone") }), ToolCallError);
  assertStringIncludes(error.message, "gone");
  await assertRejects(() => runTool([], { cwd: Deno.cwd() }), ToolCallError);
});
