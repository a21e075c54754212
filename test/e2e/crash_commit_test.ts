/** kill -9 of the orchestrator at after-commit and at after-for-review, then `resume` finishes (see crash.ts). */
import { crashThenResume } from "../support/e2e/crash.ts";

for (const phase of ["after-commit", "after-for-review"] as const) {
  Deno.test(`resume after a kill -9 at ${phase} ends done, one done event, no agent left`, async () => {
    await crashThenResume(phase);
  });
}
