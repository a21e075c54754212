/**
 * `upgrade` command: replaces the running binary with a release binary (the latest, or
 * `--version`), verified against the release's `SHA256SUMS`, checked to run, then renamed into
 * place atomically, so a cron job starting at the same moment sees the old or the new binary,
 * never half of one. The same sources as `scripts/install.sh` (`SKO_INSTALL_BASE_URL`, `SKO_REPO`).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { errorMessage, ExitCode, UserError } from "../domain/errors.ts";
import { runToEnd } from "../proc/run.ts";
import type { Terminal } from "../output/terminal.ts";
import { assetName, parseSha256Sums, releaseBaseUrl } from "../core/release.ts";
import { sha256Hex } from "../core/hex.ts";
import { VERSION } from "../domain/version.ts";

/** `upgrade` options. */
export interface UpgradeOptions {
  /** Release to install (`1.2.3` or `v1.2.3`); default: the latest. */
  version?: string;
  /** Print what would be downloaded and replaced; change nothing. */
  dryRun: boolean;
  json: boolean;
}

/** What `upgrade` touches, replaceable in tests. */
export interface UpgradeDeps {
  /** The binary to replace. */
  execPath: string;
  /** Deno target triple of this machine. */
  target: string;
  env: (name: string) => string | undefined;
  fetch: typeof fetch;
  /** Runs `<binary> version --json` and returns the version it reports, or throws. */
  probeVersion: (binary: string) => Promise<string>;
}

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/** Runs `upgrade` and returns the exit code. */
export async function runUpgrade(
  opts: UpgradeOptions,
  term: Terminal,
  deps: UpgradeDeps = realDeps(),
): Promise<number> {
  const exe = basename(deps.execPath).toLowerCase();
  if (exe === "deno" || exe === "deno.exe") {
    throw new UserError(
      `Cannot upgrade as this copy must be an installed binary: current executable is ${deps.execPath} (running from source)`,
      { fix: "Update the source with git pull, or install the binary with scripts/install.sh." },
    );
  }
  const asset = assetName(deps.target);
  if (asset === null) {
    throw new UserError(
      `Cannot upgrade as no release binary is published for this machine: current target is ${deps.target}`,
    );
  }
  const base = releaseBaseUrl({
    version: opts.version,
    baseUrl: deps.env("SKO_INSTALL_BASE_URL"),
    repo: deps.env("SKO_REPO"),
  });
  const plan = { binary: deps.execPath, asset_url: `${base}/${asset}`, sums_url: `${base}/SHA256SUMS`, from: VERSION };
  if (opts.dryRun) {
    if (opts.json) term.printJson({ ...plan, dry_run: true });
    else term.line(`Would replace ${plan.binary} with ${plan.asset_url} (verified against ${plan.sums_url}).`);
    return ExitCode.Ok;
  }

  const bytes = await download(deps.fetch, plan.asset_url);
  const sums = parseSha256Sums(new TextDecoder().decode(await download(deps.fetch, plan.sums_url)));
  const expected = sums.get(asset);
  if (expected === undefined) {
    throw new UserError(`Cannot verify ${asset} as SHA256SUMS must list it: current SHA256SUMS has no such entry`, {
      exitCode: ExitCode.RunFailed,
      fix: `Nothing was changed. Check the release at ${base}.`,
    });
  }
  const actual = await sha256Hex(bytes);
  if (actual !== expected) {
    throw new UserError(`Checksum mismatch for ${asset}: expected ${expected}, got ${actual}`, {
      exitCode: ExitCode.RunFailed,
      fix: `Refusing to upgrade; ${deps.execPath} is unchanged. Retry later, or report a tampered release.`,
    });
  }

  const dir = dirname(deps.execPath);
  const staged = join(dir, `.${basename(deps.execPath)}.upgrade-${Deno.pid}`);
  let to: string;
  try {
    await Deno.writeFile(staged, bytes, { mode: 0o755 });
    if (Deno.build.os !== "windows") await Deno.chmod(staged, 0o755);
    to = await deps.probeVersion(staged);
    if (Deno.build.os === "windows") {
      // A running .exe cannot be overwritten but can be renamed out of the way.
      await Deno.remove(`${deps.execPath}.old`).catch(() => {});
      await Deno.rename(deps.execPath, `${deps.execPath}.old`);
    }
    await Deno.rename(staged, deps.execPath);
  } catch (error) {
    await Deno.remove(staged).catch(() => {});
    throw new UserError(
      `Cannot replace ${deps.execPath} as the new binary must be written and run: ${errorMessage(error)}`,
      {
        exitCode: ExitCode.RunFailed,
        fix: `Nothing was changed. Check that ${dir} is writable, or reinstall with scripts/install.sh.`,
        cause: error,
      },
    );
  }
  if (opts.json) term.printJson({ ...plan, to, sha256: actual });
  else term.line(`Upgraded ${deps.execPath} from ${VERSION} to ${to} (sha256 ${actual}).`);
  return ExitCode.Ok;
}

async function download(fetchImpl: typeof fetch, url: string): Promise<Uint8Array<ArrayBuffer>> {
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw new UserError(`Cannot download ${url} as the request failed: ${errorMessage(error)}`, {
      exitCode: ExitCode.RunFailed,
      fix: "Nothing was changed. Check the network (or SKO_INSTALL_BASE_URL) and retry.",
    });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new UserError(`Cannot download ${url} as the server must answer 200: current status is ${res.status}`, {
      exitCode: ExitCode.RunFailed,
      fix: "Nothing was changed. Check --version (the release must exist) and retry.",
    });
  }
  return new Uint8Array(await res.arrayBuffer());
}

function realDeps(): UpgradeDeps {
  return {
    execPath: Deno.execPath(),
    target: Deno.build.target,
    env: (name) => Deno.env.get(name),
    fetch,
    probeVersion: probeVersion,
  };
}

/** Runs `<binary> version --json` in its own process group with a timeout; returns the version. */
export async function probeVersion(binary: string, timeoutMs = 30_000): Promise<string> {
  // A fresh binary that hangs is not worth a grace period: it is stopped at once.
  const out = await runToEnd([binary, "version", "--json"], { env: {}, envPolicy: "merge", timeoutMs, graceMs: 0 });
  if (!out.ok) throw out.error;
  if (out.code !== 0) throw new Error(`'${binary} version --json' exited with ${out.code}`);
  const version = (JSON.parse(out.stdout.text) as { version?: unknown }).version;
  if (typeof version !== "string") throw new Error(`'${binary} version --json' printed no version`);
  return version;
}
