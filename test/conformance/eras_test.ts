/**
 * Era conformance on the built-in host: each emulated era (`host --emulate <era>`) answers the
 * older hosts' envelopes (see eras.ts). The real-host run of the same suites is in
 * conformance_test.ts (it picks the suite of the era `SPEC_KITTY_BIN` speaks).
 */
import { ERA_IDS } from "../../src/domain/host.ts";
import { builtinEmulating } from "../support/conformance/hosts.ts";
import { runEraSuite } from "../support/conformance/eras.ts";

for (const era of ERA_IDS.filter((e) => e !== "1.3")) {
  Deno.test(`conformance: builtin host emulating ${era} answers as that era's spec-kitty`, async (t) => {
    await runEraSuite(t, builtinEmulating(era), era);
  });
}
