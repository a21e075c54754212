/**
 * The host's lane state machine (docs/host-contract.md §6), as a pure function.
 *
 * {@link decideTransition} answers one question: may this WP move from `from` to `to` with
 * these inputs? Messages copy the real host's where the transcripts show them ("Illegal
 * transition: for_review -> done", "Review evidence must match review_result", ...).
 *
 * @module
 */
import { type EraProfile, ERAS } from "../host/era.ts";
import { LANES } from "../domain/host.ts";

/** Every lane the machine knows, including the internal `genesis`. */
export const ALL_LANES = ["genesis", ...LANES] as const;

/** Unforced edges, by source lane. */
export const EDGES: Readonly<Record<string, readonly string[]>> = {
  genesis: ["planned", "canceled"],
  planned: ["claimed", "blocked", "canceled"],
  claimed: ["in_progress", "blocked", "canceled"],
  in_progress: ["for_review", "approved", "planned", "blocked", "canceled"],
  for_review: ["in_review", "blocked", "canceled"],
  in_review: ["approved", "done", "in_progress", "planned", "blocked", "canceled"],
  approved: ["done", "in_progress", "planned", "blocked", "canceled"],
  blocked: ["in_progress", "canceled"],
  done: [],
  canceled: [],
};

/** The feature era's edges (no in_review: the review exits are for_review's, each guarded). */
export const FEATURE_ERA_EDGES: Readonly<Record<string, readonly string[]>> = {
  ...EDGES,
  in_progress: ["for_review", "approved", "planned", "blocked", "canceled"],
  for_review: ["approved", "done", "in_progress", "planned", "blocked", "canceled"],
  in_review: [],
};

/** The edges of `era`'s lane machine. */
export function edgesOf(era: EraProfile): Readonly<Record<string, readonly string[]>> {
  return era.inReviewLane ? EDGES : FEATURE_ERA_EDGES;
}

/** Targets that need `--policy` on `transition`. */
export const POLICY_REQUIRED_TARGETS: readonly string[] = [
  "claimed",
  "in_progress",
  "for_review",
  "in_review",
  "approved",
];

/** A structured review outcome (`--review-result-json`). */
export interface ReviewResultInput {
  reviewer: string;
  verdict: string;
  reference: string;
  feedback_path?: string;
}

/** Everything the guards look at. */
export interface TransitionRequest {
  /** Current lane; `uninitialized` is treated as `genesis`. */
  from: string;
  /** Normalized target lane (see {@link normalizeLane}). */
  to: string;
  actor: string;
  force: boolean;
  /** `--note`. */
  reason: string | null;
  reviewRef: string | null;
  reviewResult: ReviewResultInput | null;
  evidence: Record<string, unknown> | null;
  /** Computed from the event log by the caller. */
  subtasksComplete: boolean;
  implementationEvidence: boolean;
  /** The host era whose machine decides. @default contract 1.3 */
  era?: EraProfile;
}

/** The verdict of the machine. */
export type Decision = { ok: true } | { ok: false; message: string };

const OK: Decision = { ok: true };
const no = (message: string): Decision => ({ ok: false, message });

/** Lower-cases a `--to` value and maps the alias `doing` to `in_progress`. */
export function normalizeLane(raw: string): string {
  const lane = raw.trim().toLowerCase();
  return lane === "doing" ? "in_progress" : lane;
}

/** True when `from → to` is an unforced edge (of `era`'s machine). */
export function isLegalEdge(from: string, to: string, era: EraProfile = ERAS["1.3"]): boolean {
  return (edgesOf(era)[from === "uninitialized" ? "genesis" : from] ?? []).includes(to);
}

/** The `review` block of `--evidence-json` when it names reviewer, verdict and reference. */
export function evidenceReview(evidence: Record<string, unknown> | null): ReviewResultInput | null {
  const review = evidence?.review;
  if (review === null || typeof review !== "object" || Array.isArray(review)) return null;
  const r = review as Record<string, unknown>;
  const ok = (v: unknown): v is string => typeof v === "string" && v !== "";
  if (!ok(r.reviewer) || !ok(r.verdict) || !ok(r.reference)) return null;
  return { reviewer: r.reviewer, verdict: r.verdict, reference: r.reference };
}

function hasApprovedEvidence(evidence: Record<string, unknown> | null): boolean {
  return evidenceReview(evidence)?.verdict === "approved";
}

function inReviewExit(req: TransitionRequest): Decision {
  const result = req.reviewResult;
  if (result === null) return no("Transition from in_review requires review_result (structured review outcome)");
  if (req.reviewRef !== null && req.reviewRef !== result.reference) {
    return no(`review_ref '${req.reviewRef}' must match review_result reference '${result.reference}'`);
  }
  if (req.to !== "approved" && req.to !== "done") return OK;
  if (req.evidence !== null) {
    const review = evidenceReview(req.evidence);
    if (
      review === null || review.reviewer !== result.reviewer || review.verdict !== result.verdict ||
      review.reference !== result.reference
    ) {
      return no("Review evidence must match review_result");
    }
  }
  if (result.verdict !== "approved") {
    return no(
      `Transition in_review -> ${req.to} requires an approved review: review_result verdict is '${result.verdict}'`,
    );
  }
  return OK;
}

/** Decides a transition on an older era's machine (`decideTransition` delegates here). */
function decideOld(req: TransitionRequest, era: EraProfile, from: string): Decision | null {
  const to = req.to;
  if (!era.inReviewLane && to === "in_review") return no("Unknown lane: in_review");
  if (req.force || !isLegalEdge(from, to, era)) return null;
  const evidence = evidenceReview(req.evidence) !== null;
  if (!era.inReviewLane) {
    if (
      (to === "approved" || to === "done") && (from === "for_review" || from === "in_progress" || from === "approved")
    ) {
      return evidence
        ? OK
        : no("Transition to approved/done requires evidence (reviewer identity and approval reference)");
    }
    if (from === "for_review" && (to === "in_progress" || to === "planned")) {
      return req.reviewRef === null || req.reviewRef === ""
        ? no(`Transition ${from} -> ${to} requires review_ref`)
        : OK;
    }
  }
  // Before 1.3 the evidence verdict is not checked: any named reviewer/verdict/reference passes.
  if (`${from}>${to}` === "in_progress>approved" || `${from}>${to}` === "approved>done") {
    return evidence
      ? OK
      : no("Transition to approved/done requires evidence (reviewer identity and approval reference)");
  }
  return null;
}

/** Decides a transition; see docs/host-contract.md §6 for every rule. */
export function decideTransition(req: TransitionRequest): Decision {
  const from = req.from === "uninitialized" ? "genesis" : req.from;
  const to = req.to;
  const era = req.era ?? ERAS["1.3"];
  if (era.id !== "1.3") {
    const old = decideOld(req, era, from);
    if (old !== null) return old;
  }
  if (!(ALL_LANES as readonly string[]).includes(to)) {
    return no(`Unknown lane '${to}': expected one of ${ALL_LANES.slice(1).join(", ")}`);
  }
  if (to === "genesis") return no("Cannot transition to genesis: it is the seed lane of unfinalized WPs");
  if (req.force) {
    if (req.actor.trim() === "" || (req.reason ?? "").trim() === "") {
      return no("Force transitions require an actor and a non-empty reason (--note)");
    }
    return OK;
  }
  if (!isLegalEdge(from, to, era)) return no(`Illegal transition: ${from} -> ${to}`);
  const edge = `${from} -> ${to}`;
  switch (`${from}>${to}`) {
    case "planned>claimed":
    case "for_review>in_review":
      return req.actor.trim() === "" ? no(`Transition ${edge} requires an actor`) : OK;
    case "in_progress>for_review":
      if (!req.subtasksComplete) return no(`Transition ${edge} requires completed subtasks or force with reason`);
      if (!req.implementationEvidence) {
        return no(`Transition ${edge} requires implementation evidence or force with reason`);
      }
      return OK;
    case "in_progress>approved":
    case "approved>done":
      return hasApprovedEvidence(req.evidence)
        ? OK
        : no(`Transition ${edge} requires review evidence (reviewer, reference, verdict 'approved')`);
    case "in_progress>planned":
      return (req.reason ?? "").trim() === "" ? no(`Transition ${edge} requires a reason (--note)`) : OK;
    case "approved>in_progress":
    case "approved>planned":
      return req.reviewRef === null || req.reviewRef === "" ? no(`Transition ${edge} requires review_ref`) : OK;
  }
  if (from === "in_review") return inReviewExit(req);
  return OK;
}
