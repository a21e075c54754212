/**
 * The argv of each `orchestrator-api` call (docs/host-contract.md §4), as a pure function.
 *
 * Values are always separate argv elements (no shell, no interpolation). There is no `--json`
 * flag: the host only prints JSON. Optional flags are emitted only when set, in the order the
 * contract lists them, so the argv of a call is deterministic (tests and logs compare it).
 *
 * @module
 */
import type { HostSubcommand } from "./subcommands.ts";
import type { MergeInput, PolicyMetadata, TransitionInput } from "../domain/host.ts";
import { POLICY_STRING_FIELDS } from "../domain/policy_rules.ts";

/** One host call: the subcommand plus its inputs. */
export type HostRequest =
  | { sub: "contract-version"; providerVersion?: string }
  | { sub: "mission-state"; mission: string }
  | { sub: "list-ready"; mission: string }
  | { sub: "resolve-workspace"; mission: string; wp: string }
  | { sub: "start-implementation"; mission: string; wp: string; actor: string; policy: PolicyMetadata }
  | { sub: "start-review"; mission: string; wp: string; actor: string; policy: PolicyMetadata; reviewRef?: string }
  | ({ sub: "transition" } & TransitionInput)
  | { sub: "append-history"; mission: string; wp: string; actor: string; note: string }
  | { sub: "accept-mission"; mission: string; actor: string }
  | ({ sub: "merge-mission" } & MergeInput);

/** The fixed field order of `--policy` (the contract's order, §7). */
const POLICY_FIELDS = [
  ...POLICY_STRING_FIELDS,
  "dangerous_flags",
  "tool_restrictions",
] as const satisfies readonly (keyof PolicyMetadata)[];

/** `--policy` value: compact JSON of the eight known fields in contract order (nothing else). */
export function policyJson(policy: PolicyMetadata): string {
  const ordered: Record<string, unknown> = {};
  for (const field of POLICY_FIELDS) {
    ordered[field] = field === "tool_restrictions" ? policy[field] ?? null : policy[field];
  }
  return JSON.stringify(ordered);
}

/** Compact JSON with object keys sorted at every depth (stable `--review-result-json`/`--evidence-json`). */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (typeof v === "object" && v !== null) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const item = (v as Record<string, unknown>)[key];
        if (item !== undefined) out[key] = sort(item);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(value));
}

function transitionFlags(r: TransitionInput): string[] {
  const a = ["--mission", r.mission, "--wp", r.wp, "--to", r.to, "--actor", r.actor];
  if (r.note !== undefined && r.note !== "") a.push("--note", r.note);
  if (r.policy !== undefined) a.push("--policy", policyJson(r.policy));
  if (r.force === true) a.push("--force");
  if (r.reviewRef !== undefined && r.reviewRef !== "") a.push("--review-ref", r.reviewRef);
  if (r.reviewResult !== undefined) a.push("--review-result-json", canonicalJson(r.reviewResult));
  if (r.evidence !== undefined) a.push("--evidence-json", canonicalJson(r.evidence));
  if (r.subtasksComplete !== undefined) a.push(r.subtasksComplete ? "--subtasks-complete" : "--no-subtasks-complete");
  if (r.implementationEvidencePresent !== undefined) {
    a.push(
      r.implementationEvidencePresent ? "--implementation-evidence-present" : "--no-implementation-evidence-present",
    );
  }
  return a;
}

/** The flags (after `orchestrator-api <sub>`) for `req`. */
export function hostFlags(req: HostRequest): string[] {
  switch (req.sub) {
    case "contract-version":
      return req.providerVersion === undefined ? [] : ["--provider-version", req.providerVersion];
    case "mission-state":
    case "list-ready":
      return ["--mission", req.mission];
    case "resolve-workspace":
      return ["--mission", req.mission, "--wp", req.wp];
    case "start-implementation":
      return ["--mission", req.mission, "--wp", req.wp, "--actor", req.actor, "--policy", policyJson(req.policy)];
    case "start-review": {
      const a = ["--mission", req.mission, "--wp", req.wp, "--actor", req.actor, "--policy", policyJson(req.policy)];
      if (req.reviewRef !== undefined && req.reviewRef !== "") a.push("--review-ref", req.reviewRef);
      return a;
    }
    case "transition":
      return transitionFlags(req);
    case "append-history":
      return ["--mission", req.mission, "--wp", req.wp, "--actor", req.actor, "--note", req.note];
    case "accept-mission":
      return ["--mission", req.mission, "--actor", req.actor];
    case "merge-mission": {
      // Target and strategy are sent only when chosen: the host's defaults (meta.json's
      // merge target, then the repo default; strategy "merge") are better than a guess.
      const a = ["--mission", req.mission];
      if (req.target !== undefined && req.target !== "") a.push("--target", req.target);
      if (req.strategy !== undefined) a.push("--strategy", req.strategy);
      if (req.push === true) a.push("--push");
      return a;
    }
  }
}

/** The full argv after the host command prefix: `orchestrator-api <sub> <flags...>`. */
export function hostArgv(req: HostRequest): string[] {
  return ["orchestrator-api", req.sub satisfies HostSubcommand, ...hostFlags(req)];
}
