/**
 * Where release binaries live and how to verify them: the same rules as `scripts/install.sh`
 * (asset names, the GitHub "latest/download" URL, `SHA256SUMS`), as pure functions for `upgrade`.
 *
 * @module
 */
import { PRODUCT } from "../domain/version.ts";

/** GitHub repository of the releases, unless `SKO_REPO` says otherwise. */
export const DEFAULT_REPO = "spec-kitty/spec-kitty-orchestrator";

/** The release targets (Deno target triples) we publish binaries for. */
export const RELEASE_TARGETS: readonly string[] = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

/** `spec-kitty-orchestrator-<target>[.exe]`, or null when we publish nothing for `target`. */
export function assetName(target: string): string | null {
  if (!RELEASE_TARGETS.includes(target)) return null;
  return `${PRODUCT}-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The directory URL holding the assets: `SKO_INSTALL_BASE_URL`, else the tagged or latest GitHub release. */
export function releaseBaseUrl(opts: { version?: string; baseUrl?: string; repo?: string }): string {
  if (opts.baseUrl !== undefined && opts.baseUrl.trim() !== "") return opts.baseUrl.trim().replace(/\/+$/, "");
  const repo = opts.repo?.trim() || DEFAULT_REPO;
  if (opts.version !== undefined && opts.version !== "") {
    return `https://github.com/${repo}/releases/download/v${opts.version.replace(/^v/, "")}`;
  }
  return `https://github.com/${repo}/releases/latest/download`;
}

/** Parses `sha256sum` output (`<hex>  <name>` or `<hex> *<name>`) into name → lowercase hex. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2]!, m[1]!.toLowerCase());
  }
  return sums;
}
