/**
 * The pinned real Augment CLI (auggie) with our exact argv (its model endpoint is Augment's own
 * service, so it cannot be driven offline): every flag we pass exists, no session ends in auth.
 * With a session whose tenant URL is unreachable, auggie 0.36.0 warns once and then waits
 * without end (it retries the connection silently): our stall timer is what stops it. See
 * `flags_harness.ts`.
 */
import { closedPortUrl, defineFlagsTests } from "../support/real_cli/flags_harness.ts";

defineFlagsTests({
  agentId: "augment",
  authText: "No auth provided",
  credentials: () => ({
    AUGMENT_SESSION_AUTH: JSON.stringify({
      accessToken: "sko-test-token",
      tenantURL: `${closedPortUrl()}/`,
      scopes: ["read", "write"],
    }),
  }),
  // 15 s: under load (two real CLIs at once on 2 cores) auggie can take over 8 s to print its warning.
  connection: { class: "stall", text: "ECONNREFUSED", stallTimeoutMs: 15_000 },
});
