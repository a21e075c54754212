/**
 * The zod schema of `orchestration.yaml`: the user's main interface to the orchestrator.
 *
 * It describes the file as written (snake_case keys, durations as strings) and is strict:
 * unknown keys are errors, so a typo never silently falls back to a default. It has no
 * transforms or defaults, so the same schema yields the published JSON Schema; defaults and
 * unit conversion live in `resolve.ts`, cross-references (agent ids, pipeline names) in
 * `references.ts`.
 *
 * @module
 */
import { z } from "zod";
import { FAILURE_CLASSES } from "../domain/agent.ts";
import { BUILTIN_AGENT_IDS } from "../domain/agent_ids.ts";
import { DURATION_PATTERN, DURATION_RULE, durationSyntaxMessage, isDuration, parseDuration } from "../core/duration.ts";
import { parseSize, SIZE_PATTERN, SIZE_RULE } from "./size.ts";
import { isPlaceholderName, PLACEHOLDER_NAMES, placeholdersIn } from "./placeholders.ts";
import { globProblem } from "./glob.ts";
import { didYouMean } from "./suggest.ts";
import { looksSecret } from "../domain/policy_rules.ts";
import { ERA_IDS } from "../domain/host.ts";

/** Custom agent ids: lowercase, digits and dashes, starting with a letter. */
export const AGENT_ID_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
/** Pipeline names. */
export const PIPELINE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;
/** Environment variable names (`pass_env`, `url_env`). */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** The actor identity sent to the host. */
export const ACTOR_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** WP frontmatter tags usable in `select`. */
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
/** Upper bound of `max_concurrent` (and of `--max-concurrent`). */
export const MAX_CONCURRENT_LIMIT = 64;

const SECRET_RULE = "must not contain `token`, `secret`, `key`, `password` or `credential` " +
  "(the host rejects policy values that look like secrets)";

export { looksSecret } from "../domain/policy_rules.ts";

/** A type-mismatch message for `rule`, leaving "missing" to the generic formatter. */
function typeError(rule: string) {
  return (issue: { input?: unknown }) => issue.input === undefined ? undefined : rule;
}

function duration(description: string, options: { min?: number; max?: number } = {}) {
  const min = options.min ?? 0;
  const max = options.max ?? 7 * 24 * 3_600_000;
  const tooSmall = `must be at least ${min / 1000}s`;
  const tooLarge = `must be at most ${max / 3_600_000}h`;
  return z.string({ error: typeError(DURATION_RULE) })
    // `99999999999h` is a duration too large for the pattern's digit caps: say the bound, not the syntax.
    .regex(DURATION_PATTERN, { error: (issue) => durationSyntaxMessage(issue.input, { min, max }, tooLarge) })
    .refine((s) => !isDuration(s) || parseDuration(s) >= min, tooSmall)
    .refine((s) => !isDuration(s) || parseDuration(s) <= max, tooLarge)
    .describe(description);
}

function pattern(regex: RegExp, rule: string, description: string) {
  return z.string({ error: typeError(`${rule}`) }).regex(regex, rule).describe(description);
}

const policyText = (description: string) =>
  z.string().min(1).max(200).refine((s) => !looksSecret(s), SECRET_RULE).describe(description);

/** Temporal-style retry policy; every field optional (merged over `defaults.retry`). */
export const RetrySchema = z.strictObject({
  max_attempts: z.int().min(1).max(10).optional().describe("Attempts per agent, including the first. Default 2."),
  initial_interval: duration("Wait before the first retry. Default 30s.").optional(),
  backoff_coefficient: z.number().min(1).max(10).optional().describe(
    "Each wait is the previous times this. Default 2.",
  ),
  maximum_interval: duration("Cap on the wait between attempts. Default 10m.").optional(),
  jitter: z.boolean().optional().describe("Full jitter: wait a random time up to the computed interval. Default true."),
  non_retryable: z.array(z.enum(FAILURE_CLASSES as [string, ...string[]])).optional()
    .describe("Failure classes that skip the remaining attempts and move to the next agent in the chain."),
  rate_limit_budget: duration(
    "Total time one WP may wait out rate limits and overloads (rate_limit, overloaded) in this stage: each " +
      "waits the CLI's retry-after (at least the backoff) and does not count against max_attempts. When the " +
      "next wait would exceed it the next agent of the chain runs; when none is left the WP is blocked. " +
      "The agent CLI's own retries come on top (Claude Code retries a 429 itself). Default 30m.",
    { max: 7 * 24 * 3_600_000 },
  ).optional(),
}).describe("Retry policy for one agent before falling back to the next one in the chain.");

const stageTiming = {
  timeout: duration("Wall-clock limit of one attempt.", { min: 1000, max: 24 * 3_600_000 }).optional(),
  stall_timeout: duration("Kill an attempt after this long with no output and no workspace change.", {
    min: 1000,
    max: 24 * 3_600_000,
  }).optional(),
  retry: RetrySchema.optional(),
};

const stageAgents = z.array(z.string().min(1)).min(1).max(10)
  .describe(
    `Ordered fallback chain of agent ids: built-in (${BUILTIN_AGENT_IDS.join(", ")}) or defined under agents.`,
  );

/** One stage (implement or review) of a pipeline. */
export const StageSchema = z.strictObject({
  agents: stageAgents,
  ...stageTiming,
});

/** The consensus rules of a review stage (`review.require`). */
export const CONSENSUS_RULES = ["all", "any", "majority"] as const;

/** The review stage: a fallback chain, or with `require` a panel of reviewers that must agree. */
export const ReviewStageSchema = z.strictObject({
  agents: stageAgents,
  require: z.enum(CONSENSUS_RULES).optional().describe(
    "Consensus review: every agent of the list reviews the WP (each with its own retries and log) and it is " +
      "approved only when all, any, or a majority of the verdicts given approve. A reviewer that gives no " +
      "verdict after its retries fails the review under all and is left out of the count under any and " +
      "majority. Absent: agents is a fallback chain (the first reviewer that gives a verdict decides).",
  ),
  parallel: z.boolean().optional().describe(
    "With require: run the reviewers at the same time in the WP's worktree (reviewers must not edit; what " +
      "they change is discarded after all of them). Default false (one after another).",
  ),
  ...stageTiming,
}).superRefine((stage, ctx) => {
  if (stage.parallel !== undefined && stage.require === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["parallel"],
      input: stage.parallel,
      message: "needs `require` (all, any or majority): without it the reviewers are a fallback chain",
    });
  }
  if (stage.require === undefined) return;
  const twice = stage.agents.find((id, i) => stage.agents.indexOf(id) !== i);
  if (twice !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["agents"],
      input: stage.agents,
      message: `must name each reviewer of a consensus panel once: ${twice} is listed twice`,
    });
  }
});

const usd = (description: string) => z.number().positive().max(1_000_000).describe(description);

/** Spend limits of one WP (`defaults.budget`, `pipelines.<name>.budget`). */
const wpBudget = {
  per_wp_usd: usd(
    "Hard stop on the cost one WP may reach (as reported by its agents): no new attempt starts once it is " +
      "reached; the WP is blocked with the reason budget. Default: no limit.",
  ).optional(),
  per_wp_minutes: z.number().positive().max(7 * 24 * 60).optional().describe(
    "Hard stop on the agent time of one WP (the sum of its attempts' durations, waits excluded), in minutes: " +
      "no new attempt starts once it is reached; the WP is blocked with the reason budget. Default: no limit.",
  ),
};

/** Per-pipeline budget (the run's own limit is in `defaults.budget`). */
export const PipelineBudgetSchema = z.strictObject(wpBudget).describe(
  "Spend limits for this pipeline's WPs, over defaults.budget (per_run_usd lives in defaults.budget only).",
);

/** The run's and every WP's budget. */
export const BudgetSchema = z.strictObject({
  ...wpBudget,
  per_run_usd: usd(
    "Hard stop on the cost of the whole run (resumes included): once reached no new WP starts (they stay " +
      "planned; WPs already started go on within their own budget) and the run exits 3. Default: no limit.",
  ).optional(),
}).describe("Spend limits with a hard stop, from the cost and time the agents report.");

/** A named pipeline: who implements, who reviews, how often a WP may bounce. */
export const PipelineSchema = z.strictObject({
  implement: StageSchema.describe("The implementation stage."),
  review: ReviewStageSchema.describe("The review stage."),
  max_review_cycles: z.int().min(1).max(20).optional().describe("Review rejections before the WP is blocked."),
  budget: PipelineBudgetSchema.optional(),
});

/** Stage settings merged into every pipeline stage. */
export const DefaultsSchema = z.strictObject({
  ...stageTiming,
  max_review_cycles: z.int().min(1).max(20).optional().describe(
    "Review rejections before the WP is blocked. Default 3.",
  ),
  budget: BudgetSchema.optional(),
}).describe("Defaults for every pipeline stage (built-in: implement 45m, review 20m, stall 10m).");

const commandArg = z.string().min(1).superRefine((arg, ctx) => {
  for (const name of placeholdersIn(arg)) {
    if (!isPlaceholderName(name)) {
      ctx.addIssue({
        code: "custom",
        input: arg,
        message: `must use only the placeholders ${PLACEHOLDER_NAMES.map((p) => `{${p}}`).join(", ")}`,
        params: { suggestion: didYouMean(`{${name}}`, PLACEHOLDER_NAMES.map((p) => `{${p}}`)) },
      });
    }
  }
});

const command = (description: string) => z.array(commandArg).min(1).max(64).describe(description);

/** A custom command agent (any CLI: aider, a script). */
export const CustomAgentSchema = z.strictObject({
  command: command(
    "argv of the agent; no shell. Placeholders: {prompt_file} {prompt} {workspace} {repo_root} " +
      "{role} {wp} {mission}.",
  ),
  review_command: command("argv for the review role; default: command.").optional(),
  prompt: z.enum(["stdin", "file", "arg"]).optional()
    .describe("How the prompt is delivered: stdin (default), file (at {prompt_file}) or arg (at {prompt})."),
  output: z.enum(["text", "json", "jsonl"]).optional().describe("How stdout is parsed. Default text."),
  pass_env: z.array(pattern(ENV_NAME_PATTERN, "must be an environment variable name", "Variable name.")).max(64)
    .optional().describe("Names of environment variables passed through to the agent (values never go in this file)."),
  family: policyText("agent_family recorded in the host's policy metadata. Default custom.").optional(),
}).superRefine((agent, ctx) => {
  // Each command must receive the prompt, or that role's agent would run without instructions.
  const needed = agent.prompt === "file" ? "prompt_file" : agent.prompt === "arg" ? "prompt" : undefined;
  if (needed === undefined) return;
  for (const key of ["command", "review_command"] as const) {
    const argv = agent[key];
    if (argv !== undefined && !argv.flatMap(placeholdersIn).includes(needed)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        input: argv,
        message: `must contain \`{${needed}}\` since prompt is \`${agent.prompt}\``,
      });
    }
  }
});

/** A rule choosing a pipeline for some WPs. */
export const SelectorSchema = z.strictObject({
  wp: z.string().min(1).max(40).refine((g) => globProblem(g) === undefined, {
    error: (issue) => globProblem(String(issue.input)) ?? "must be a glob",
  }).optional().describe("Glob on the WP id: * ? [..], e.g. WP0[1-3]."),
  tag: pattern(TAG_PATTERN, "must be a tag of letters, digits and . _ : / -", "A WP frontmatter tag.").optional(),
  pipeline: z.string().min(1).describe("The pipeline to use for matching WPs."),
}).describe("First matching selector wins; a selector with both wp and tag needs both to match.");

/** A notification target; the URL comes from an environment variable so it never sits in the repo. */
export const NotifySchema = z.strictObject({
  kind: z.enum(["webhook", "slack"]).describe("webhook: JSON POST of the event; slack: incoming-webhook message."),
  url_env: pattern(ENV_NAME_PATTERN, "must be an environment variable name", "Variable holding the URL."),
  events: z.array(z.enum(["run_finished", "wp_blocked", "run_failed"])).min(1).optional()
    .describe("Events to send. Default: all."),
  timeout: duration("Per-request timeout. Default 10s.", { min: 1000, max: 300_000 }).optional(),
  retries: z.int().min(0).max(10).optional().describe("Retries after a failed request. Default 2."),
});

const size = z.union([
  z.int().min(1024).max(2 ** 40),
  z.string().regex(SIZE_PATTERN, SIZE_RULE).refine((s) => !SIZE_PATTERN.test(s) || parseSize(s) >= 1024, {
    message: "must be at least 1KiB",
  }),
], { error: typeError(SIZE_RULE) });

/** The whole `orchestration.yaml`. */
export const OrchestrationFileSchema = z.strictObject({
  version: z.literal(1).describe("Format version; always 1."),
  host: z.strictObject({
    kind: z.enum(["spec-kitty", "builtin"]).optional().describe("spec-kitty (default) or the built-in host."),
    command: z.array(z.string().min(1)).min(1).max(16).optional().describe(
      "argv prefix of the host. Default [spec-kitty].",
    ),
    timeout: duration("Per host call timeout. Default 60s.", { min: 1000, max: 3_600_000 }).optional(),
    heartbeat: duration("How often to re-read mission state while agents work. Default 30s.", {
      min: 1000,
      max: 3_600_000,
    }).optional(),
    emulate: z.enum(ERA_IDS).optional().describe(
      "Built-in host only: answer as a spec-kitty host of this era does (1.0-feature, 1.0-mission, 1.1-mission, " +
        "1.2-mission, 1.3), to try the orchestrator against older hosts without Python. Default 1.3.",
    ),
  }).optional().describe("Which host to talk to."),
  actor: pattern(ACTOR_PATTERN, "must be letters, digits and . _ @ - (max 64)", "Actor identity sent to the host.")
    .optional(),
  max_concurrent: z.int().min(1).max(MAX_CONCURRENT_LIMIT).optional().describe("Max WPs in flight. Default 4."),
  accept: z.boolean().optional().describe("Call accept-mission when every WP is done. Default false."),
  history_notes: z.boolean().optional().describe(
    "Write append-history notes to the host for what no lane transition records (agent fallbacks, a WP stopped without a lane move). Best-effort, sent in the background; a run without such events writes none. Default true.",
  ),
  policy: z.strictObject({
    approval_mode: policyText("Default full_auto.").optional(),
    sandbox_mode: policyText("Default workspace_write.").optional(),
    network_mode: policyText("Default none.").optional(),
    tool_restrictions: policyText("Default null.").nullable().optional(),
  }).optional().describe("Policy metadata declared to the host on every claim and transition."),
  defaults: DefaultsSchema.optional(),
  pipeline: z.string().min(1).optional().describe("The pipeline used when no selector matches. Default: default."),
  pipelines: z.record(
    pattern(PIPELINE_NAME_PATTERN, "must be a pipeline name of lowercase letters, digits, _ and -", "Pipeline name."),
    PipelineSchema,
  ).optional().describe("Named pipelines."),
  select: z.array(SelectorSchema).max(100).optional().describe("Pipeline selectors; first match wins."),
  agents: z.record(
    pattern(AGENT_ID_PATTERN, "must be an agent id of lowercase letters, digits and - (max 40)", "Agent id."),
    CustomAgentSchema,
  ).optional().describe("Custom command agents."),
  notify: z.array(NotifySchema).max(20).optional().describe("Notification targets."),
  logs: z.strictObject({
    max_bytes: size.optional().describe("Per-attempt log cap. Default 50MiB."),
  }).optional(),
  runs: z.strictObject({
    retention: z.int().min(1).max(1000).optional().describe("Run directories kept under .kittify/runs/. Default 20."),
  }).optional(),
}).meta({
  title: "spec-kitty-orchestrator orchestration.yaml",
  description: "Configuration of spec-kitty-orchestrator: host, agents, pipelines and limits.",
});

/** The parsed (validated, not yet resolved) file. */
export type OrchestrationFile = z.infer<typeof OrchestrationFileSchema>;
/** One parsed pipeline stage. */
export type StageFile = z.infer<typeof StageSchema>;
/** One parsed review stage. */
export type ReviewStageFile = z.infer<typeof ReviewStageSchema>;
/** One parsed retry policy. */
export type RetryFile = z.infer<typeof RetrySchema>;
/** One parsed pipeline. */
export type PipelineFile = z.infer<typeof PipelineSchema>;
