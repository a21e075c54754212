/**
 * Quoting host output in error messages without leaking secrets.
 *
 * A host traceback can echo environment values or URLs with credentials; we only ever show
 * the last few lines, with anything secret-looking masked.
 *
 * @module
 */

const REDACTIONS: readonly [RegExp, string][] = [
  // scheme://user:password@host
  [/([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi, "$1***:***@"],
  // Authorization: Bearer xxx / Basic xxx
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 ***"],
  // NAME_TOKEN=value, api_key: value, "password": "value"
  [
    /([A-Za-z0-9_.-]*(?:token|secret|key|password|passwd|credential|auth)[A-Za-z0-9_.-]*["']?\s*[:=]\s*["']?)[^\s"',;]+/gi,
    "$1***",
  ],
  // Well-known key shapes: sk-..., ghp_..., xox?-..., AKIA...
  [/\b(sk|rk|pk)-[A-Za-z0-9_-]{16,}/g, "$1-***"],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, "gh*_***"],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, "xox*-***"],
  [/\bAKIA[0-9A-Z]{16}\b/g, "AKIA***"],
];

/** Masks secret-looking values in `text`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  return out;
}

/** The last `lines` non-empty lines of `text`, redacted (for "the host crashed" messages). */
export function stderrTail(text: string, lines = 20): string {
  const all = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  return redactSecrets(all.slice(-lines).join("\n"));
}
