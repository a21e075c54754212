/** kill -9 of the orchestrator in each review phase, then `resume` finishes. */
import { crashThenResume } from "./crash.ts";

for (const phase of ["after-start-review", "review-running", "before-done", "after-done"] as const) {
  Deno.test(`resume after a kill -9 at ${phase} ends done, one done event, no agent left`, async () => {
    await crashThenResume(phase);
  });
}
