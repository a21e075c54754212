/**
 * `validate`: checks orchestration.yaml (and the given overrides) exactly as `orchestrate`
 * would, and prints what it resolves to. Exit 0 when valid, 2 when not.
 *
 * @module
 */
import { resolve } from "node:path";
import { ConfigError, ExitCode } from "../domain/errors.ts";
import type { Terminal } from "../output/terminal.ts";
import { describeConfig } from "../config/describe.ts";
import { CONFIG_CANDIDATES, loadResolvedConfig } from "../store/config_file.ts";
import type { ValidateOptions } from "./options.ts";
import { findRepoRoot } from "./repo_root.ts";
import { exists } from "../util/fs.ts";
import { argvWarnings } from "../config/argv_warnings.ts";

/** Whether something exists at `path` (sync: a handful of argv elements, once). */
function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs `validate` and returns the exit code; `cwd` is where `--config` and the repo search start. */
export async function runValidate(opts: ValidateOptions, term: Terminal, cwd: string = Deno.cwd()): Promise<number> {
  const repoRoot = await findRepoRoot(opts.repoRoot, cwd);
  let config;
  try {
    config = await loadResolvedConfig(repoRoot, {
      config: opts.config,
      implAgent: opts.implAgent,
      reviewAgent: opts.reviewAgent,
      maxConcurrent: opts.maxConcurrent,
      pipeline: opts.pipeline,
      host: opts.host,
    }, cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (opts.json) {
      term.printJson({ ok: false, error: error.message, file: error.file ?? null, path: error.path ?? null });
    }
    term.error(error.message);
    if (error.fix) term.line(`  fix: ${error.fix}`);
    return ExitCode.Usage;
  }
  const warnings = argvWarnings(config, repoRoot, existsSync).map((w) => w.message);
  if (opts.json) {
    term.printJson({ ok: true, config, warnings });
    return ExitCode.Ok;
  }
  term.line(term.style.green(config.source === null ? "No orchestration.yaml: the defaults apply." : "Valid."));
  for (const line of describeConfig(config)) term.line(line);
  for (const warning of warnings) term.warn(warning);
  const [primary, fallback] = CONFIG_CANDIDATES.map((c) => resolve(repoRoot, c));
  if (config.source === primary && fallback !== undefined && (await exists(fallback))) {
    term.warn(`${fallback} is ignored because ${primary} exists.`);
  }
  return ExitCode.Ok;
}
