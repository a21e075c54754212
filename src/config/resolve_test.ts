import { assertEquals, assertStringIncludes, assertThrows } from "../../test/support/assert.ts";
import { ConfigError, ExitCode } from "../domain/errors.ts";
import { parseConfigText } from "./parse.ts";
import { resolveConfig } from "./resolve.ts";
import { describeConfig } from "./describe.ts";

const FILE = parseConfigText(
  `version: 1
actor: night-bot
max_concurrent: 2
host: { kind: spec-kitty, command: [uvx, spec-kitty], timeout: 2m }
defaults:
  timeout: 30m
  stall_timeout: 5m
  retry: { max_attempts: 3, initial_interval: 10s }
  max_review_cycles: 4
pipelines:
  default:
    implement: { agents: [claude-code, codex], timeout: 1h, retry: { max_attempts: 1 } }
    review: { agents: [codex] }
  cheap:
    implement: { agents: [my-agent] }
    review: { agents: [my-agent] }
    max_review_cycles: 1
select:
  - { tag: docs, pipeline: cheap }
agents:
  my-agent: { command: ["{repo_root}/a.sh", "{prompt_file}"], prompt: file, pass_env: [OPENAI_API_KEY] }
notify:
  - { kind: slack, url_env: SLACK_WEBHOOK_URL }
logs: { max_bytes: 1MiB }
`,
  "o.yaml",
);

Deno.test("resolveConfig() with no file gives the documented defaults", () => {
  const config = resolveConfig(null, {}, null);
  assertEquals(config.source, null);
  assertEquals(config.maxConcurrent, 4);
  assertEquals(config.actor, "spec-kitty-orchestrator");
  assertEquals(config.host, { kind: "spec-kitty", command: ["spec-kitty"], timeoutMs: 60_000, heartbeatMs: 30_000 });
  assertEquals(config.defaultPipeline, "default");
  assertEquals(Object.keys(config.pipelines), ["default"]);
  assertEquals(config.pipelines.default?.implement.agents, ["claude-code"]);
  assertEquals(config.pipelines.default?.review.agents, ["claude-code"]);
  assertEquals(config.pipelines.default?.implement.timeoutMs, 45 * 60_000);
  assertEquals(config.pipelines.default?.review.timeoutMs, 20 * 60_000);
  assertEquals(config.pipelines.default?.maxReviewCycles, 3);
  assertEquals(config.pipelines.default?.implement.retry.nonRetryable, ["auth", "model_not_found", "config"]);
  assertEquals(config.pipelines.default?.implement.retry.rateLimitBudgetMs, 30 * 60_000);
  assertEquals(config.policy, {
    approvalMode: "full_auto",
    sandboxMode: "workspace_write",
    networkMode: "none",
    toolRestrictions: null,
  });
  assertEquals([config.accept, config.logMaxBytes, config.runsRetention], [false, 50 * 1024 * 1024, 20]);
});

Deno.test("resolveConfig() layers stage > defaults > built-in, field by field", () => {
  const config = resolveConfig(FILE, {}, "/r/o.yaml");
  const impl = config.pipelines.default!.implement;
  const review = config.pipelines.default!.review;
  assertEquals([impl.timeoutMs, review.timeoutMs], [3_600_000, 30 * 60_000]);
  assertEquals([impl.stallTimeoutMs, review.stallTimeoutMs], [300_000, 300_000]);
  assertEquals([impl.retry.maxAttempts, review.retry.maxAttempts], [1, 3]);
  assertEquals([impl.retry.initialIntervalMs, impl.retry.maximumIntervalMs], [10_000, 600_000]);
  assertEquals(config.pipelines.default!.maxReviewCycles, 4);
  assertEquals(config.pipelines.cheap!.maxReviewCycles, 1);
  assertEquals(config.host, {
    kind: "spec-kitty",
    command: ["uvx", "spec-kitty"],
    timeoutMs: 120_000,
    heartbeatMs: 30_000,
  });
  assertEquals(config.agents["my-agent"], {
    id: "my-agent",
    command: ["{repo_root}/a.sh", "{prompt_file}"],
    prompt: "file",
    output: "text",
    passEnv: ["OPENAI_API_KEY"],
    family: "custom",
  });
  assertEquals(config.notify, [{
    kind: "slack",
    urlEnv: "SLACK_WEBHOOK_URL",
    events: ["run_finished", "wp_blocked", "run_failed"],
    timeoutMs: 10_000,
    retries: 2,
  }]);
  assertEquals(config.logMaxBytes, 1024 * 1024);
  assertEquals(config.selectors, [{ tag: "docs", pipeline: "cheap" }]);
});

Deno.test("resolveConfig() applies flags over the file", () => {
  const config = resolveConfig(FILE, {
    implAgent: "opencode",
    reviewAgent: "my-agent",
    maxConcurrent: 7,
    host: "builtin",
    actor: "me",
    accept: true,
  }, "o.yaml");
  for (const pipeline of Object.values(config.pipelines)) {
    assertEquals(pipeline.implement.agents, ["opencode"]);
    assertEquals(pipeline.review.agents, ["my-agent"]);
  }
  assertEquals([config.maxConcurrent, config.host.kind, config.actor, config.accept], [7, "builtin", "me", true]);
});

Deno.test("resolveConfig() overrides max_concurrent only when the flag is given", () => {
  assertEquals(resolveConfig(FILE, {}, "o").maxConcurrent, 2);
  assertEquals(resolveConfig(FILE, { maxConcurrent: undefined }, "o").maxConcurrent, 2);
  assertEquals(resolveConfig(FILE, { maxConcurrent: 1 }, "o").maxConcurrent, 1);
  assertEquals(resolveConfig(null, { maxConcurrent: 3 }, null).maxConcurrent, 3);
  assertEquals(resolveConfig(FILE, { accept: false }, "o").accept, false);
});

Deno.test("resolveConfig() --pipeline forces one pipeline and drops selectors", () => {
  const config = resolveConfig(FILE, { pipeline: "cheap" }, "o");
  assertEquals([config.defaultPipeline, config.selectors.length], ["cheap", 0]);
  assertEquals(resolveConfig(null, { pipeline: "default" }, null).defaultPipeline, "default");
});

Deno.test("resolveConfig() rejects unknown agents and pipelines from flags with suggestions", () => {
  const agent = assertThrows(() => resolveConfig(FILE, { implAgent: "codx" }, "o.yaml"), ConfigError);
  assertEquals(agent.exitCode, ExitCode.Usage);
  assertStringIncludes(agent.message, "Cannot use '--impl-agent' as it must be a built-in agent");
  assertStringIncludes(agent.message, 'current value is "codx"; did you mean `codex`?');
  assertThrows(() => resolveConfig(null, { reviewAgent: "my-agent" }, null), ConfigError, "'--review-agent'");
  const pipeline = assertThrows(() => resolveConfig(FILE, { pipeline: "chep" }, "o.yaml"), ConfigError);
  assertStringIncludes(
    pipeline.message,
    "Cannot use '--pipeline' as it must name a pipeline in o.yaml (default, cheap): current value is \"chep\"; did you mean `cheap`?",
  );
  assertThrows(() => resolveConfig(null, { maxConcurrent: 0 }, null), ConfigError, "'--max-concurrent'");
  assertThrows(() => resolveConfig(null, { maxConcurrent: 65 }, null), ConfigError, "from 1 to 64");
  assertThrows(() => resolveConfig(null, { actor: "has space" }, null), ConfigError, "'--actor'");
});

Deno.test("resolveConfig() picks the only pipeline as default when none is named default", () => {
  const file = parseConfigText(
    "version: 1\npipelines:\n  solo: { implement: { agents: [codex] }, review: { agents: [codex] } }\n",
    "o",
  );
  assertEquals(resolveConfig(file, {}, "o").defaultPipeline, "solo");
});

Deno.test("resolveConfig() layers retry.rate_limit_budget: stage > defaults > 30m", () => {
  const file = parseConfigText(
    `version: 1
defaults:
  retry: { rate_limit_budget: 2h }
pipelines:
  default:
    implement: { agents: [claude-code], retry: { rate_limit_budget: 45m } }
    review: { agents: [codex] }
`,
    "o.yaml",
  );
  const config = resolveConfig(file, {}, "/r/o.yaml");
  assertEquals(config.pipelines.default!.implement.retry.rateLimitBudgetMs, 45 * 60_000);
  assertEquals(config.pipelines.default!.review.retry.rateLimitBudgetMs, 2 * 3_600_000);
});

Deno.test("parseConfigText() names retry.rate_limit_budget when it is not a duration", () => {
  const error = assertThrows(
    () => parseConfigText("version: 1\ndefaults: { retry: { rate_limit_budget: soon } }\n", "o.yaml"),
    ConfigError,
  );
  assertStringIncludes(error.message, "defaults.retry.rate_limit_budget must be a duration");
});

Deno.test("describeConfig() shows each stage's rate-limit wait budget", () => {
  const lines = describeConfig(resolveConfig(null, {}, null)).join("\n");
  assertStringIncludes(lines, "no retry on auth, model_not_found, config; rate limits waited out up to 30m per WP");
});

const PANEL = `version: 1
defaults:
  budget: { per_wp_usd: 2, per_wp_minutes: 30, per_run_usd: 10 }
pipelines:
  default:
    implement: { agents: [claude-code] }
    review: { agents: [codex, claude-code], require: majority, parallel: true }
    budget: { per_wp_usd: 5 }
  plain:
    implement: { agents: [claude-code] }
    review: { agents: [codex, claude-code] }
`;

Deno.test("resolveConfig() resolves review.require/parallel into a consensus panel; without require a fallback chain", () => {
  const config = resolveConfig(parseConfigText(PANEL, "o.yaml"), {}, "/r/o.yaml");
  assertEquals(config.pipelines.default!.review.consensus, { require: "majority", parallel: true });
  assertEquals(config.pipelines.plain!.review.consensus, undefined);
  assertEquals(config.pipelines.default!.implement.consensus, undefined);
  // --review-agent makes one reviewer: no panel.
  const flagged = resolveConfig(parseConfigText(PANEL, "o.yaml"), { reviewAgent: "codex" }, "/r/o.yaml");
  assertEquals(flagged.pipelines.default!.review.consensus, undefined);
  const sequential = parseConfigText(PANEL.replace(", parallel: true", ""), "o.yaml");
  assertEquals(resolveConfig(sequential, {}, null).pipelines.default!.review.consensus?.parallel, false);
});

Deno.test("resolveConfig() layers budget: pipeline > defaults > no limit; per_run_usd from defaults", () => {
  const config = resolveConfig(parseConfigText(PANEL, "o.yaml"), {}, "/r/o.yaml");
  assertEquals(config.pipelines.default!.budget, { perWpUsd: 5, perWpMs: 30 * 60_000 });
  assertEquals(config.pipelines.plain!.budget, { perWpUsd: 2, perWpMs: 30 * 60_000 });
  assertEquals(config.budget, { perRunUsd: 10 });
  const none = resolveConfig(null, {}, null);
  assertEquals(none.budget, { perRunUsd: null });
  assertEquals(none.pipelines.default!.budget, { perWpUsd: null, perWpMs: null });
  const lines = describeConfig(config).join("\n");
  assertStringIncludes(lines, "$10.00 per run (hard stop)");
  assertStringIncludes(lines, "budget $5.00 and 30m of agent time per WP");
  assertStringIncludes(lines, "codex + claude-code (consensus: majority must approve, at once)");
});

Deno.test("parseConfigText() rejects a bad consensus rule, require on implement, per_run_usd in a pipeline", () => {
  const bad = (text: string) => assertThrows(() => parseConfigText(text, "o.yaml"), ConfigError).message;
  assertStringIncludes(bad(PANEL.replace("require: majority", "require: most")), "require");
  assertStringIncludes(
    bad(PANEL.replace("implement: { agents: [claude-code] }", "implement: { agents: [claude-code], require: all }")),
    "require",
  );
  assertStringIncludes(bad(PANEL.replace("budget: { per_wp_usd: 5 }", "budget: { per_run_usd: 5 }")), "per_run_usd");
  assertStringIncludes(bad(PANEL.replace("per_wp_usd: 2", "per_wp_usd: -1")), "per_wp_usd");
  assertStringIncludes(
    bad(PANEL.replace("agents: [codex, claude-code], require", "agents: [codex, codex], require")),
    "must name each reviewer of a consensus panel once: codex is listed twice",
  );
  assertStringIncludes(
    bad(PANEL.replace("review: { agents: [codex, claude-code] }", "review: { agents: [codex], parallel: true }")),
    "needs `require`",
  );
});
