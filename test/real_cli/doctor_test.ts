/**
 * `doctor`'s version check against the real pinned CLIs: each built-in agent's binary, found on
 * a PATH holding only the pinned ones, answers `--version` with a line that `provenStatus`
 * reads as exactly the proven release (so a user on that release gets no warning, and one on
 * another release gets "installed X, proven Y").
 */
import { assertEquals } from "../support/assert.ts";
import { checkAgentInstalled } from "../../src/agents/installed.ts";
import { PROVEN_VERSIONS, provenStatus } from "../../src/agents/proven.ts";
import { PINNED, pinnedBinary, pinnedPath } from "../support/real_cli/pinned.ts";

for (const cli of PINNED) {
  Deno.test(`doctor: the pinned ${cli.agent} ${cli.version} (${cli.bin}) is found and reads as the proven release`, async () => {
    pinnedBinary(cli.agent); // fails with the install command when missing
    const status = await checkAgentInstalled(cli.agent, { agents: {} }, { PATH: pinnedPath(), HOME: "/nonexistent" });
    assertEquals(status.found, true, status.fix);
    assertEquals(provenStatus(cli.agent, status.version ?? ""), {
      kind: "proven",
      version: PROVEN_VERSIONS[cli.agent] ?? "(not in proven.ts)",
    });
  });
}
