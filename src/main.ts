/**
 * Entry point of `spec-kitty-orchestrator`.
 *
 * Owns the process: builds the terminal, dispatches to commands (loaded lazily so `--help`
 * and `status` start fast), and maps errors to exit codes. Nothing else calls `Deno.exit`.
 *
 * @module
 */
import { CommanderError } from "@commander-js/extra-typings";
import { buildProgram, resultCode } from "./cli/app.ts";
import { errorMessage, ExitCode, InternalError, UserError } from "./domain/errors.ts";
import { HostError, HostTransportError } from "./domain/host_errors.ts";
import { escapeForeign } from "./core/escape.ts";
import { createTerminal, type Terminal } from "./output/terminal.ts";

type Runner = (opts: Record<string, unknown>, term: Terminal) => Promise<number>;

/** Lazily loads the implementation of a command. */
async function loadCommand(name: string): Promise<Runner> {
  switch (name) {
    case "orchestrate":
      return (await import("./cli/orchestrate.ts")).runOrchestrate as unknown as Runner;
    case "resume":
      return (await import("./cli/resume.ts")).runResume as unknown as Runner;
    case "status":
      return (await import("./cli/status.ts")).runStatus as unknown as Runner;
    case "abort":
      return (await import("./cli/abort.ts")).runAbort as unknown as Runner;
    case "validate":
      return (await import("./cli/validate.ts")).runValidate as unknown as Runner;
    case "schema":
      return (await import("./cli/schema.ts")).runSchema as unknown as Runner;
    case "init":
      return (await import("./cli/init.ts")).runInit as unknown as Runner;
    case "doctor":
      return (await import("./cli/doctor.ts")).runDoctor as unknown as Runner;
    case "report":
      return (await import("./cli/report.ts")).runReport as unknown as Runner;
    case "version":
      return (await import("./cli/version.ts")).runVersion as unknown as Runner;
    case "upgrade":
      return (await import("./cli/upgrade.ts")).runUpgrade as unknown as Runner;
    case "host": {
      // Reached when commander parsed the call (e.g. `--json host ...`); `main` usually bypasses it.
      const { runHostCommand } = await import("./cli/host.ts");
      return (opts) => runHostCommand(Array.isArray(opts.args) ? opts.args.map(String) : []);
    }
    default:
      throw new InternalError(`Cannot dispatch command as it is not known: current value is ${JSON.stringify(name)}`);
  }
}

/** Prints an error the way users should see it and returns its exit code. */
export function reportError(error: unknown, term: Terminal): number {
  if (error instanceof CommanderError) {
    if (
      error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help"
    ) {
      return ExitCode.Ok;
    }
    return ExitCode.Usage;
  }
  if (error instanceof UserError) {
    term.error(error.message);
    if (error.fix) term.line(`  fix: ${error.fix}`);
    return error.exitCode;
  }
  // The host's refusal or an unreachable host is not our bug: say what it answered and what to check.
  if (error instanceof HostError) {
    term.error(`The host refused '${error.command}' with ${error.shownCode}: ${escapeForeign(errorMessage(error))}`);
    term.line(
      `  fix: run 'spec-kitty orchestrator-api ${error.command} --help' to check the call, fix what the host ` +
        "reports, then rerun (the run state is kept; resume continues)",
    );
    return ExitCode.RunFailed;
  }
  if (error instanceof HostTransportError) {
    term.error(`Cannot use the host for '${error.command}' (${error.kind}): ${escapeForeign(error.message)}`);
    if (error.stderrTail.trim() !== "") term.line(`  host stderr: ${escapeForeign(error.stderrTail.trim())}`);
    term.line(
      "  fix: check that 'spec-kitty orchestrator-api contract-version' answers from this directory " +
        "(doctor checks it), then rerun (the run state is kept; resume continues)",
    );
    return ExitCode.RunFailed;
  }
  const internal = error instanceof InternalError ? error : new InternalError(errorMessage(error), { cause: error });
  term.error(internal.message);
  if (error instanceof Error && error.stack) term.line(term.style.dim(error.stack));
  term.line(internal.reportHint);
  return ExitCode.RunFailed;
}

/** Runs the CLI with `args` (without the program name) and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  // `-- host ...` (a wrapper that ends our options first) is the same call as `host ...`.
  const hostArgs = args[0] === "host" ? args.slice(1) : args[0] === "--" && args[1] === "host" ? args.slice(2) : null;
  if (hostArgs !== null) {
    // The built-in host mimics spec-kitty's own argument parsing and envelopes, so it bypasses commander.
    const { runHostCommand } = await import("./cli/host.ts");
    return await runHostCommand(hostArgs);
  }
  const term = createTerminal({ json: args.includes("--json") });
  const program = buildProgram(
    async (name, opts) => (await loadCommand(name))(opts, term),
    (text) => term.warn(text.replace(/^warning: /, "")),
  );
  try {
    if (args.length === 0) {
      program.outputHelp();
      return ExitCode.Ok;
    }
    await program.parseAsync(args, { from: "user" });
    return resultCode(program);
  } catch (error) {
    return reportError(error, term);
  }
}

if (import.meta.main) {
  const code = await main(Deno.args);
  Deno.exit(code);
}
