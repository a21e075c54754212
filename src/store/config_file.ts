/**
 * Finds and reads `orchestration.yaml` (the only file of `config/` that touches the disk, so the
 * parsing and resolving in `config/` stay pure).
 *
 * Lookup order: `--config <file>` (relative to the cwd; must exist), else
 * `<repo>/orchestration.yaml`, else `<repo>/.kittify/orchestration.yaml`, else none (built-in
 * defaults).
 *
 * @module
 */
import { relative, resolve } from "node:path";
import { ConfigError } from "../domain/errors.ts";
import { checkConfigSize, parseConfigText } from "../config/parse.ts";
import type { OrchestrationFile } from "../config/schema.ts";
import { type ConfigFlags, resolveConfig } from "../config/resolve.ts";
import type { ResolvedConfig } from "../domain/config.ts";

/** The file names looked up under the repository root, in order. */
export const CONFIG_CANDIDATES = ["orchestration.yaml", ".kittify/orchestration.yaml"] as const;

/** A loaded file, or none when the defaults apply. */
export interface LoadedConfigFile {
  /** Absolute path of the file, or null when no file was found. */
  readonly source: string | null;
  readonly file: OrchestrationFile | null;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * The config file to use (absolute), or null when there is none.
 *
 * @throws {ConfigError} when `--config` names a file that does not exist.
 */
export async function findConfigFile(
  repoRoot: string,
  explicit: string | undefined,
  cwd: string = Deno.cwd(),
): Promise<string | null> {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!(await isFile(path))) {
      throw new ConfigError(
        `Cannot read '--config' as it must name an existing file: current value is ${JSON.stringify(explicit)}`,
        { file: path, fix: "Pass the path of an orchestration.yaml (relative to the current directory)." },
      );
    }
    return path;
  }
  for (const candidate of CONFIG_CANDIDATES) {
    const path = resolve(repoRoot, candidate);
    if (await isFile(path)) return path;
  }
  return null;
}

/** How a path is shown in messages: relative to the cwd when inside it, else absolute. */
export function displayPath(path: string, cwd: string = Deno.cwd()): string {
  const rel = relative(cwd, path);
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith("/") ? rel : path;
}

/**
 * Reads and validates the file at `path` (size-checked before it is read).
 *
 * @throws {ConfigError} for oversized, unreadable, malformed or invalid files.
 */
export async function readConfigFile(path: string, cwd: string = Deno.cwd()): Promise<OrchestrationFile> {
  const name = displayPath(path, cwd);
  let text: string;
  try {
    checkConfigSize(name, (await Deno.stat(path)).size);
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`Cannot read ${name} as it must be a readable file: ${(error as Error).message}`, {
      file: path,
      cause: error,
    });
  }
  return parseConfigText(text, name);
}

/** Locates and reads the config file; see the module doc for the lookup order. */
export async function loadConfigFile(
  repoRoot: string,
  explicit: string | undefined,
  cwd: string = Deno.cwd(),
): Promise<LoadedConfigFile> {
  const source = await findConfigFile(repoRoot, explicit, cwd);
  if (source === null) return { source: null, file: null };
  return { source, file: await readConfigFile(source, cwd) };
}

/**
 * Finds, reads, validates and resolves the configuration for `repoRoot` with `flags`
 * (`flags.config` is relative to `cwd`). With no file, the built-in defaults apply. The engine
 * calls this once per run.
 *
 * @throws {ConfigError} (exit code 2) listing every problem with file:line:col.
 */
export async function loadResolvedConfig(
  repoRoot: string,
  flags: ConfigFlags,
  cwd: string = Deno.cwd(),
): Promise<ResolvedConfig> {
  const { source, file } = await loadConfigFile(repoRoot, flags.config, cwd);
  return resolveConfig(file, flags, source);
}
