import { assertEquals } from "../../test/assert.ts";
import { AgentCooldowns } from "./cooldown.ts";

Deno.test("AgentCooldowns keeps the latest wait per agent", () => {
  const c = new AgentCooldowns();
  assertEquals(c.remaining("claude", 0), 0);
  c.note("claude", 5000);
  c.note("claude", 3000);
  assertEquals(c.remaining("claude", 1000), 4000);
  assertEquals(c.remaining("codex", 1000), 0);
  assertEquals(c.remaining("claude", 9000), 0);
});
