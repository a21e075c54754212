/**
 * The pinned real Letta Code CLI with our exact argv on its default backend, Letta Cloud (the
 * local backend is driven for real by `letta_test.ts`): every flag we pass exists, no `LETTA_API_KEY` ends in
 * auth, a key with `LETTA_BASE_URL` unreachable ends in a connection failure (transient), not
 * auth, although Letta's message says the credentials "may be invalid". See `flags_harness.ts`.
 */
import { closedPortUrl, defineFlagsTests } from "../support/real_cli/flags_harness.ts";

defineFlagsTests({
  agentId: "letta",
  authText: "Missing LETTA_API_KEY",
  credentials: () => ({ LETTA_API_KEY: "sko-test-key", LETTA_BASE_URL: closedPortUrl() }),
  connection: { class: "crash", text: "Failed to connect to Letta server" },
});
