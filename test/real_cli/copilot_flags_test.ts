/**
 * The pinned real GitHub Copilot CLI with our exact argv on its default route, GitHub's own
 * model service (offline, BYOK mode is driven for real by `copilot_test.ts`): every flag we
 * pass exists, no token ends in auth, a token with the network cut ends in a connection failure
 * (transient), never auth. See `flags_harness.ts`.
 */
import { defineFlagsTests } from "../support/real_cli/flags_harness.ts";

defineFlagsTests({
  agentId: "copilot",
  authText: "No authentication information found",
  // A fine-grained PAT's shape (classic `ghp_` tokens are refused before any request).
  credentials: () => ({ COPILOT_GITHUB_TOKEN: `github_pat_11SKOTEST0${"0".repeat(12)}_${"a".repeat(59)}` }),
  connection: { class: "crash", text: "could not be validated" },
});
