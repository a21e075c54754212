import { assertEquals } from "../../test/support/assert.ts";
import { missingVerdictReason, parseVerdict, VERDICT_JSON_SCHEMA_TEXT } from "./verdict.ts";

Deno.test("parseVerdict() reads an approval line and keeps the text before it as feedback", () => {
  assertEquals(parseVerdict("Looks good.\n\nVERDICT: APPROVED"), { verdict: "approved", feedback: "Looks good." });
});

Deno.test("parseVerdict() takes the feedback after a changes-requested line", () => {
  assertEquals(parseVerdict("Summary\nVERDICT: CHANGES_REQUESTED\n- add tests\n- fix slug()"), {
    verdict: "changes_requested",
    feedback: "- add tests\n- fix slug()",
  });
});

Deno.test("parseVerdict() tolerates markdown, case and CRLF", () => {
  assertEquals(parseVerdict("**Verdict:** `approved`")?.verdict, "approved");
  assertEquals(parseVerdict("## VERDICT: Changes Requested\r\nplease fix")?.verdict, "changes_requested");
  assertEquals(parseVerdict("> verdict = changes-requested.")?.verdict, "changes_requested");
});

Deno.test("parseVerdict() takes the last of several agreeing verdict lines", () => {
  assertEquals(parseVerdict("VERDICT: APPROVED\nOn reflection:\nVERDICT: APPROVED\nnit: typo"), {
    verdict: "approved",
    feedback: "nit: typo",
  });
});

Deno.test("parseVerdict() gives no verdict when both are printed, and missingVerdictReason() says so", () => {
  const both = "VERDICT: CHANGES_REQUESTED\nOn reflection:\nVERDICT: APPROVED";
  assertEquals(parseVerdict(both), null);
  assertEquals(
    missingVerdictReason(both),
    "reviewer gave both verdicts (VERDICT: APPROVED on line 3, VERDICT: CHANGES_REQUESTED on line 1 of its final " +
      "message); treated as no verdict",
  );
  assertEquals(missingVerdictReason("looks fine"), "reviewer finished without a verdict");
});

Deno.test("parseVerdict() returns null when no verdict line is present or it is ambiguous", () => {
  assertEquals(parseVerdict(""), null);
  assertEquals(parseVerdict("All good, approved!"), null);
  assertEquals(parseVerdict("VERDICT: APPROVED or CHANGES_REQUESTED"), null);
  assertEquals(parseVerdict("VERDICT: maybe"), null);
});

Deno.test("parseVerdict() accepts structured output", () => {
  assertEquals(parseVerdict('{"verdict":"changes_requested","feedback":"add a test"}'), {
    verdict: "changes_requested",
    feedback: "add a test",
  });
  assertEquals(parseVerdict('{"verdict":"approved","findings":[]}'), { verdict: "approved", feedback: "" });
  assertEquals(parseVerdict('{"verdict":"changes_requested","findings":["a","b"]}')?.feedback, "- a\n- b");
  assertEquals(parseVerdict('{"verdict":"lgtm"}'), null);
});

Deno.test("VERDICT_JSON_SCHEMA_TEXT is strict JSON schema", () => {
  const schema = JSON.parse(VERDICT_JSON_SCHEMA_TEXT);
  assertEquals(schema.additionalProperties, false);
  assertEquals(schema.required, ["verdict", "feedback"]);
});
