/** kill -9 of the orchestrator in each implementation phase, then `resume` finishes. */
import { crashThenResume } from "./crash.ts";

for (const phase of ["after-start-implementation", "implement-running", "after-commit", "after-for-review"] as const) {
  Deno.test(`resume after a kill -9 at ${phase} ends done, one done event, no agent left`, async () => {
    await crashThenResume(phase);
  });
}
