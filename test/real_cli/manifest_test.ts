/**
 * `scripts/agent_clis.json` accounts for every built-in agent: pinned (a real release the suite
 * drives), or listed under `notPinned` with the reason, so a new built-in agent cannot go
 * unproven without anyone saying why. Each pinned CLI's bin is installed.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { BUILTIN_AGENT_IDS } from "../../src/domain/agent_ids.ts";
import { PINNED, pinnedBinary, REPO_ROOT } from "../support/real_cli/pinned.ts";

const manifest = JSON.parse(Deno.readTextFileSync(`${REPO_ROOT}/scripts/agent_clis.json`)) as {
  notPinned?: { agent: string; why: string }[];
};

Deno.test("scripts/agent_clis.json pins every built-in agent or says why not", () => {
  const pinned = PINNED.map((p) => p.agent);
  const notPinned = (manifest.notPinned ?? []).map((n) => n.agent);
  assertEquals([...pinned, ...notPinned].sort(), [...BUILTIN_AGENT_IDS].sort());
  for (const n of manifest.notPinned ?? []) assert(n.why.trim().length > 20, `notPinned ${n.agent}: give the reason`);
});

Deno.test("every pinned agent CLI is installed (scripts/install_agents.sh)", () => {
  for (const p of PINNED) pinnedBinary(p.agent);
});
