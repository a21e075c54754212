/**
 * The command-line surface: commander wiring only. Each command's behaviour lives in its own
 * module (`cli/<command>.ts`) as a function of parsed options, so it can be tested directly.
 *
 * @module
 */
import { Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { PRODUCT, VERSION } from "../domain/version.ts";
import { ExitCode, UserError } from "../domain/errors.ts";
import { assertMissionSlug } from "../domain/ids.ts";

/** Parses a strictly positive integer flag value (`--max-concurrent`). */
export function parsePositiveInt(value: string, flag = "--max-concurrent"): number {
  if (!/^[0-9]+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(
      `Cannot use '${flag}' as it must be a positive integer: current value is ${JSON.stringify(value)}.`,
    );
  }
  return Number(value);
}

function hostOption() {
  return new Option("--host <kind>", "which host to talk to (default: from config, else spec-kitty)").choices(
    ["spec-kitty", "builtin"] as const,
  );
}

const ORCHESTRATE_EXAMPLES = `
Examples:
  $ ${PRODUCT} orchestrate --mission 034-my-feature --impl-agent claude-code --review-agent codex \\
      --max-concurrent 1 --dry-run
  $ ${PRODUCT} orchestrate --mission 034-my-feature
  $ ${PRODUCT} orchestrate -m 034-my-feature --config orchestration.yaml --pipeline careful --json
  $ ${PRODUCT} orchestrate -m 001-demo --host builtin`;

/**
 * Builds the commander program. `run(name, opts)` is called with the command name and its
 * normalised options; its return value is the exit code.
 */
export function buildProgram(
  run: (command: string, opts: Record<string, unknown>) => Promise<number>,
  notice: (text: string) => void,
): Command {
  let exitCode: number = ExitCode.Ok;
  const program = new Command()
    .name(PRODUCT)
    .description("Drive a spec-kitty mission from planned to done with coding agents.")
    .version(VERSION, "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .addHelpText(
      "after",
      `
Exit codes: 0 all done (or dry-run/validate ok), 1 run failed, 2 usage or config error,
            3 run ended with blocked/failed WPs, 75 another run holds the lock, 130/143 interrupted.`,
    );

  program.command("orchestrate")
    .description("Run a mission: implement and review every WP until all are done or blocked.")
    .option("-m, --mission <slug>", "mission slug, e.g. 034-my-feature")
    .addOption(new Option("--feature <slug>", "deprecated spelling of --mission").hideHelp())
    .option("--impl-agent <id>", "implementation agent; replaces the pipeline's implement chain")
    .option("--review-agent <id>", "review agent; replaces the pipeline's review chain")
    .option(
      "--max-concurrent <n>",
      "max WPs in flight (overrides the config only when given)",
      (v) => parsePositiveInt(v),
    )
    .option("--actor <id>", "actor identity sent to the host (default: spec-kitty-orchestrator)")
    .option("--repo-root <path>", "project root (default: walk up to .kittify, else git toplevel)")
    .option("--dry-run", "validate config, contract, mission and agents; print the plan; change nothing", false)
    .option("--no-caffeinate", "do not hold the macOS idle-sleep assertion")
    .option("--config <file>", "orchestration.yaml to use")
    .option("--pipeline <name>", "pipeline from the config to use for every WP")
    .addOption(hostOption())
    .option("--json", "NDJSON events on stdout and a final JSON summary", false)
    .option("--fresh", "archive this mission's unfinished run and start over (default: continue it)", false)
    .option(
      "--continue",
      "continue this mission's unfinished run if there is one, else start one (the default; for old cron lines)",
      false,
    )
    .option(
      "--retry-blocked",
      "also retry WPs blocked by a person or by review rejections (WPs this orchestrator blocked for an agent " +
        "configuration error are retried anyway)",
      false,
    )
    .option("--accept", "call accept-mission when every WP is done", false)
    .addHelpText("after", ORCHESTRATE_EXAMPLES)
    .action(async (opts) => {
      if (opts.feature !== undefined) {
        notice("warning: --feature is deprecated; use --mission (same value).");
      }
      if (opts.feature !== undefined && opts.mission !== undefined && opts.feature !== opts.mission) {
        throw new UserError(
          `Cannot run 'orchestrate' as '--feature' (the old spelling of '--mission') must name the same mission: ` +
            `--mission is '${opts.mission}', --feature is '${opts.feature}'`,
          { exitCode: ExitCode.Usage, fix: "Pass only --mission <slug>." },
        );
      }
      const mission = opts.mission ?? opts.feature;
      if (mission === undefined) {
        throw new UserError("Cannot run 'orchestrate' as '--mission <slug>' is required: current value is missing", {
          fix: "Pass the mission slug, e.g. --mission 034-my-feature",
        });
      }
      assertMissionSlug(mission);
      exitCode = await run("orchestrate", { ...opts, mission, feature: undefined });
    });

  program.command("status")
    .description("Show the last run: WPs, lanes (when the host is reachable), attempts, cost.")
    .option("--repo-root <path>", "project root")
    .option("-m, --mission <slug>", "mission (default: the one in the run state)")
    .option("--config <file>", "orchestration.yaml to use")
    .addOption(hostOption())
    .option("--json", "print JSON", false)
    .addHelpText("after", `\nExamples:\n  $ ${PRODUCT} status\n  $ ${PRODUCT} status --json`)
    .action(async (opts) => {
      if (opts.mission !== undefined) assertMissionSlug(opts.mission);
      exitCode = await run("status", opts);
    });

  program.command("resume")
    .description("Continue an interrupted run: reap leftover agents, adopt in-flight WPs, keep counters.")
    .option("-m, --mission <slug>", "mission whose run to resume (default: the only unfinished one)")
    .option("--actor <id>", "actor identity (default: the one in the run state)")
    .option("--repo-root <path>", "project root")
    .option("--no-caffeinate", "do not hold the macOS idle-sleep assertion")
    .option("--config <file>", "orchestration.yaml to use")
    .option("--impl-agent <id>", "implementation agent override")
    .option("--review-agent <id>", "review agent override")
    .option("--max-concurrent <n>", "max WPs in flight", (v) => parsePositiveInt(v))
    .addOption(hostOption())
    .option("--json", "NDJSON events on stdout", false)
    .option("--accept", "call accept-mission when every WP is done", false)
    .option(
      "--retry-blocked",
      "also retry WPs blocked by a person or by review rejections (WPs this orchestrator blocked for an agent " +
        "configuration error are retried anyway)",
      false,
    )
    .addHelpText(
      "after",
      `\nExamples:\n  $ ${PRODUCT} resume\n  $ ${PRODUCT} resume --max-concurrent 2\n  $ ${PRODUCT} resume --mission 034-my-feature --retry-blocked`,
    )
    .action(async (opts) => {
      if (opts.mission !== undefined) assertMissionSlug(opts.mission);
      exitCode = await run("resume", opts);
    });

  program.command("abort")
    .description("Stop the live run (agents terminated, state saved, lock released).")
    .option("-m, --mission <slug>", "mission whose run to abort (default: the only unfinished one)")
    .option(
      "--cleanup-worktrees",
      "also remove the worktrees/branches this orchestrator created and the run state",
      false,
    )
    .option("-y, --yes", "do not print the removal plan before acting", false)
    .option("--repo-root <path>", "project root")
    .option("--json", "print JSON", false)
    .addHelpText("after", `\nExamples:\n  $ ${PRODUCT} abort\n  $ ${PRODUCT} abort --cleanup-worktrees`)
    .action(async (opts) => {
      if (opts.mission !== undefined) assertMissionSlug(opts.mission);
      exitCode = await run("abort", opts);
    });

  program.command("validate")
    .description("Check orchestration.yaml and print what it resolves to.")
    .option("--config <file>", "file to validate (default: orchestration.yaml, then .kittify/orchestration.yaml)")
    .option("--repo-root <path>", "project root")
    .option("--impl-agent <id>", "apply this override as orchestrate would")
    .option("--review-agent <id>", "apply this override as orchestrate would")
    .option("--max-concurrent <n>", "apply this override as orchestrate would", (v) => parsePositiveInt(v))
    .option("--pipeline <name>", "pipeline to show")
    .addOption(hostOption())
    .option("--json", "print the resolved config as JSON", false)
    .addHelpText(
      "after",
      `\nExamples:\n  $ ${PRODUCT} validate\n  $ ${PRODUCT} validate --config pipelines/claude-codex.yaml --json`,
    )
    .action(async (opts) => {
      exitCode = await run("validate", opts);
    });

  program.command("schema")
    .description("Print the JSON Schema of orchestration.yaml (draft-07).")
    .addHelpText("after", `\nExamples:\n  $ ${PRODUCT} schema > orchestration.schema.json`)
    .action(async () => {
      exitCode = await run("schema", { json: true });
    });

  program.command("init")
    .description("Write a commented orchestration.yaml, or create the demo repository with --demo.")
    .argument("[dir]", "with --demo: where to create it (default ./orchestrator-demo)")
    .option("--demo", "create a git repo with a sample mission and deterministic agents", false)
    .option("--force", "overwrite an existing orchestration.yaml", false)
    .option("--repo-root <path>", "project root")
    .addHelpText("after", `\nExamples:\n  $ ${PRODUCT} init\n  $ ${PRODUCT} init --demo ./orchestrator-demo`)
    .action(async (dir, opts) => {
      exitCode = await run("init", { ...opts, dir, json: false });
    });

  program.command("doctor")
    .description("Check host, agents, git identity, repo state, .kittify/ and the cron environment.")
    .option("--repo-root <path>", "project root")
    .option("--config <file>", "orchestration.yaml to use")
    .addOption(hostOption())
    .option("--json", "print JSON", false)
    .addHelpText("after", `\nExamples:\n  $ ${PRODUCT} doctor\n  $ ${PRODUCT} doctor --json`)
    .action(async (opts) => {
      exitCode = await run("doctor", opts);
    });

  program.command("report")
    .description("Write a Markdown and HTML report of a run (default: the last one).")
    .argument("[runId]", "run id under .kittify/runs/")
    .option("--repo-root <path>", "project root")
    .option("--out <dir>", "where to write report.md and report.html (default: the run directory)")
    .option("--json", "print the written paths as JSON", false)
    .addHelpText(
      "after",
      `\nExamples:\n  $ ${PRODUCT} report\n  $ ${PRODUCT} report 20261121T103000Z-4f2a --out /tmp/report`,
    )
    .action(async (runId, opts) => {
      exitCode = await run("report", { ...opts, runId });
    });

  program.command("upgrade")
    .description("Replace this binary with the latest (or --to) release, verified against SHA256SUMS.")
    // Not --version: the program's own -V/--version would take it.
    .option("--to <version>", "release to install, e.g. 0.2.0 (default: the latest)")
    .option("--dry-run", "print what would be downloaded and replaced; change nothing", false)
    .option("--json", "print JSON", false)
    .addHelpText("after", `\nExamples:\n  $ ${PRODUCT} upgrade\n  $ ${PRODUCT} upgrade --to 0.2.0`)
    .action(async (opts) => {
      exitCode = await run("upgrade", { ...opts, version: opts.to, to: undefined });
    });

  program.command("version")
    .description("Print the product version, the supported contract range and the runtime version.")
    .option("--json", "print JSON", false)
    .addHelpText("after", `\nExamples:\n  $ ${PRODUCT} version\n  $ ${PRODUCT} version --json`)
    .action(async (opts) => {
      exitCode = await run("version", opts);
    });

  program.command("host")
    .description("The built-in host: `host orchestrator-api <sub> ...` speaks the spec-kitty contract.")
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument("[args...]")
    .action(async (args) => {
      exitCode = await run("host", { args, json: true });
    });

  Object.defineProperty(program, "resultCode", { get: () => exitCode });
  return program;
}

/** Reads the exit code the last action produced. */
export function resultCode(program: Command): number {
  return (program as unknown as { resultCode: number }).resultCode;
}
