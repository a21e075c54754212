import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { assertEquals } from "../../test/support/assert.ts";
import { exitCodeForSignal, installSignalHandlers, type SignalApi } from "./signals.ts";

function fakeApi() {
  const listeners = new Map<string, () => void>();
  const exits: number[] = [];
  const api: SignalApi = {
    add: (s, h) => void listeners.set(s, h),
    remove: (s) => void listeners.delete(s),
    exit: (code) => void exits.push(code),
  };
  return { api, listeners, exits, fire: (s: string) => listeners.get(s)?.() };
}

Deno.test("exitCodeForSignal() maps SIGINT to 130 and SIGTERM to 143", () => {
  assertEquals(exitCodeForSignal("SIGINT"), 130);
  assertEquals(exitCodeForSignal("SIGTERM"), 143);
});

Deno.test("installSignalHandlers() calls the handler once, then forces exit on the second signal", () => {
  const fake = fakeApi();
  const seen: string[] = [];
  installSignalHandlers((sig) => void seen.push(sig), { api: fake.api });
  fake.fire("SIGHUP");
  assertEquals(seen, ["SIGTERM"]);
  assertEquals(fake.exits, []);
  fake.fire("SIGINT");
  assertEquals(seen, ["SIGTERM"]);
  assertEquals(fake.exits, [130]);
});

Deno.test("installSignalHandlers() survives a rejecting handler and uninstalls its listeners", async () => {
  const fake = fakeApi();
  const uninstall = installSignalHandlers(() => Promise.reject(new Error("boom")), { api: fake.api });
  assertEquals([...fake.listeners.keys()].sort(), ["SIGHUP", "SIGINT", "SIGTERM"]);
  fake.fire("SIGTERM");
  await new Promise((r) => setTimeout(r, 0));
  uninstall();
  assertEquals(fake.listeners.size, 0);
});

Deno.test("installSignalHandlers() skips signals the platform rejects", () => {
  const fake = fakeApi();
  const api: SignalApi = {
    ...fake.api,
    add: (s, h) => {
      if (s !== "SIGINT") throw new TypeError("unsupported");
      fake.api.add(s, h);
    },
  };
  installSignalHandlers(() => {}, { api });
  assertEquals([...fake.listeners.keys()], ["SIGINT"]);
});

const FIXTURE = fileURLToPath(new URL("../../test/support/signal_fixture.ts", import.meta.url));
const PROJECT = dirname(dirname(dirname(FIXTURE)));

function startFixture(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", FIXTURE, ...args],
    cwd: PROJECT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const until = async (marker: string) => {
    while (!text.includes(marker)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    return text;
  };
  return {
    child,
    until,
    drain: async () => {
      while (!(await reader.read()).done);
    },
  };
}

Deno.test({
  name: "installSignalHandlers() in a real process: SIGTERM runs the shutdown and exits 143",
  ignore: Deno.build.os === "windows",
  async fn() {
    const f = await startFixture(["0"]);
    try {
      await f.until("READY");
      f.child.kill("SIGTERM");
      assertEquals((await f.until("STOPPING")).includes("STOPPING SIGTERM"), true);
      await f.drain();
      assertEquals((await f.child.status).code, 143);
    } finally {
      try {
        f.child.kill("SIGKILL");
      } catch {
        // Exited.
      }
    }
  },
});

Deno.test({
  name: "installSignalHandlers() in a real process: a second SIGINT forces exit 130",
  ignore: Deno.build.os === "windows",
  async fn() {
    const f = await startFixture([]);
    try {
      await f.until("READY");
      f.child.kill("SIGTERM");
      await f.until("STOPPING");
      f.child.kill("SIGINT");
      await f.drain();
      assertEquals((await f.child.status).code, 130);
    } finally {
      try {
        f.child.kill("SIGKILL");
      } catch {
        // Exited.
      }
    }
  },
});
