import { assert, assertEquals } from "../../test/support/assert.ts";
import { AgentCooldowns, type BreakerChange, breakerGate, cooldownUntil } from "./cooldown.ts";

const FAMILY: Record<string, string> = { "claude-code": "claude", "my-claude": "claude", codex: "codex" };
const familyOf = (id: string) => FAMILY[id] ?? id;

Deno.test("breakerGate() lets a WP go when closed, waits during a cooldown, then lets one WP probe", () => {
  assertEquals(breakerGate(undefined, "WP01", 0), { kind: "go", probe: false });
  const entry = { family: "claude", agent: "claude-code", reason: "rate_limit" as const, untilMs: 5000, probe: null };
  assertEquals(breakerGate(entry, "WP01", 1000), { kind: "wait", ms: 4000 });
  assertEquals(breakerGate(entry, "WP01", 5000), { kind: "go", probe: true });
  assertEquals(breakerGate({ ...entry, probe: "WP01" }, "WP02", 6000), { kind: "wait_probe", probe: "WP01" });
  assertEquals(breakerGate({ ...entry, probe: "WP01" }, "WP01", 6000), { kind: "go", probe: true });
});

Deno.test("cooldownUntil() adds up to a tenth of the wait (max 30 s) as jitter, none without jitter", () => {
  assertEquals(cooldownUntil(1000, 60_000, false, () => 0.99), 61_000);
  assertEquals(cooldownUntil(1000, 60_000, true, () => 0.5), 64_000);
  assertEquals(cooldownUntil(0, 3_600_000, true, () => 0.5), 3_615_000);
  assertEquals(cooldownUntil(0, 60_000, true, () => 0), 60_000);
});

Deno.test("AgentCooldowns keys cooldowns by family: a custom claude agent waits, codex does not", () => {
  const c = new AgentCooldowns(familyOf);
  assertEquals(c.remaining("claude-code", 0), 0);
  c.note("claude-code", 5000, "rate_limit", "WP01", 0);
  c.note("my-claude", 3000, "rate_limit", "WP02", 0);
  assertEquals(c.remaining("my-claude", 1000), 4000);
  assertEquals(c.remaining("codex", 1000), 0);
  assertEquals(c.remaining("claude-code", 9000), 0);
  assertEquals(c.enter("codex", "WP03", 1000), { kind: "go", probe: false });
});

Deno.test("AgentCooldowns: after a cooldown one WP probes; its success closes the breaker, a new limit reopens it", async () => {
  const changes: BreakerChange[] = [];
  const c = new AgentCooldowns(familyOf, (change) => changes.push(change));
  c.note("claude-code", 5000, "rate_limit", "WP01", 0);
  c.note("claude-code", 6000, "rate_limit", "WP02", 10); // in flight too: extends, no new cooldown
  assertEquals(changes.map((x) => x.kind), ["started", "extended"]);
  assertEquals(c.enter("claude-code", "WP02", 6000), { kind: "go", probe: true });
  assertEquals(c.enter("my-claude", "WP01", 6000), { kind: "wait_probe", probe: "WP02" });
  let woke = false;
  const waiting = c.changed().then(() => (woke = true));
  // The probe is limited again: a new cooldown starts, the waiter wakes and sees it.
  c.note("claude-code", 20_000, "overloaded", "WP02", 7000);
  await waiting;
  assert(woke);
  assertEquals(changes.map((x) => x.kind), ["started", "extended", "started"]);
  assertEquals(c.enter("claude-code", "WP01", 7000), { kind: "wait", ms: 13_000 });
  assertEquals(c.enter("claude-code", "WP01", 20_000), { kind: "go", probe: true });
  c.release("claude-code", "WP03"); // not the probe: nothing changes
  assertEquals(c.entries().length, 1);
  c.release("claude-code", "WP01");
  assertEquals(changes.at(-1), { kind: "ended", family: "claude", agent: "claude-code", wpId: "WP01" });
  assertEquals(c.entries(), []);
  assertEquals(c.enter("claude-code", "WP02", 20_000), { kind: "go", probe: false });
});

Deno.test("AgentCooldowns: an abandoned probe hands over to the next WP without closing the breaker", () => {
  const c = new AgentCooldowns(familyOf);
  c.note("claude-code", 100, "rate_limit", "WP01", 0);
  assertEquals(c.enter("claude-code", "WP01", 200), { kind: "go", probe: true });
  c.release("claude-code", "WP01", false);
  assertEquals(c.enter("claude-code", "WP02", 200), { kind: "go", probe: true });
  assertEquals(c.entries()[0]?.probe, "WP02");
});

Deno.test("AgentCooldowns.changed() rejects when the run stops", async () => {
  const c = new AgentCooldowns();
  const controller = new AbortController();
  const waiting = c.changed(controller.signal);
  controller.abort(new Error("stop"));
  let rejected = false;
  await waiting.catch(() => (rejected = true));
  assert(rejected);
});
