import { assertEquals } from "../../test/support/assert.ts";
import { buildAgentEnv } from "./env.ts";

Deno.test("buildAgentEnv() keeps the allow-list and drops everything else", () => {
  const env = buildAgentEnv({
    source: {
      PATH: "/bin",
      HOME: "/h",
      LC_ALL: "C",
      ANTHROPIC_API_KEY: "a",
      AWS_SECRET_ACCESS_KEY: "s",
      GITHUB_TOKEN: "g",
      UNSET: undefined,
    },
    allow: ["ANTHROPIC_API_KEY"],
    fixed: { NO_COLOR: "1" },
    extra: { HOME: "/override" },
  });
  assertEquals(env, { PATH: "/bin", HOME: "/override", LC_ALL: "C", ANTHROPIC_API_KEY: "a", NO_COLOR: "1" });
});
