/** kill -9 of the orchestrator at before-done and at after-done, then `resume` finishes (see crash.ts). */
import { crashThenResume } from "../support/e2e/crash.ts";

for (const phase of ["before-done", "after-done"] as const) {
  Deno.test(`resume after a kill -9 at ${phase} ends done, one done event, no agent left`, async () => {
    await crashThenResume(phase);
  });
}
