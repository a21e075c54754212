import { assertEquals, assertThrows } from "../../test/support/assert.ts";
import { ERAS } from "../host/era.ts";
import {
  checkboxesComplete,
  checkboxMarks,
  emulatedEra,
  eraFailureData,
  eraPayload,
  markCheckboxes,
} from "./emulate.ts";
import { HostFailure } from "./failure.ts";

const TASKS = `# Tasks

## Work Package WP01: Part 1

- [x] T001 first
- [ ] T002 second

### Included Subtasks

- [ ] T009 hidden from the mission era

## Work Package WP02: Part 2

- [x] T003 third
`;

Deno.test("emulatedEra(): unset is 1.3; an unknown era is a usage error naming the known ones", () => {
  assertEquals(emulatedEra(undefined).id, "1.3");
  assertEquals(emulatedEra(" 1.0-feature ").id, "1.0-feature");
  const error = assertThrows(() => emulatedEra("0.9"), HostFailure);
  assertEquals([error.code, error.exitCode], ["USAGE_ERROR", 2]);
});

Deno.test("checkboxesComplete(): the WP's section decides; the feature era reads past ### headings", () => {
  assertEquals(checkboxesComplete(TASKS, "WP01", ERAS["1.2-mission"]), false);
  assertEquals(checkboxesComplete(TASKS, "WP02", ERAS["1.2-mission"]), true);
  assertEquals(checkboxesComplete(TASKS, "WP03", ERAS["1.2-mission"]), true, "no section counts as complete");
  assertEquals(checkboxesComplete(null, "WP01", ERAS["1.0-feature"]), true, "no tasks.md counts as complete");
  const onlyHidden = TASKS.replace("- [ ] T002", "- [x] T002");
  assertEquals(checkboxesComplete(onlyHidden, "WP01", ERAS["1.2-mission"]), true, "### boxes invisible");
  assertEquals(checkboxesComplete(onlyHidden, "WP01", ERAS["1.0-feature"]), false, "### boxes counted");
});

Deno.test("markCheckboxes() flips rows by id and says what it did; checkboxMarks() reads them back", () => {
  const marked = markCheckboxes(TASKS, ["T002", "T001", "T404"], "done");
  assertEquals([marked.updated, marked.alreadySatisfied, marked.notFound], [["T002"], ["T001"], ["T404"]]);
  assertEquals(checkboxMarks(marked.text, "WP01", ERAS["1.2-mission"]), { T001: "done", T002: "done" });
  assertEquals(checkboxMarks(TASKS, "WP01", ERAS["1.2-mission"]), { T001: "done", T002: "pending" });
  assertEquals(checkboxMarks(TASKS, "WP07", ERAS["1.2-mission"]), null);
  assertEquals(markCheckboxes(marked.text, ["T002"], "pending").text, TASKS, "back to pending");
});

Deno.test("eraPayload(): the feature era names only feature_slug and has no in_review in its summary", () => {
  const data = {
    mission_slug: "001-demo",
    mission_number: 1,
    mission_type: "software-dev",
    summary: { planned: 1, in_review: 0 },
  };
  assertEquals(eraPayload(ERAS["1.0-feature"], data), { feature_slug: "001-demo", summary: { planned: 1 } });
  assertEquals(eraPayload(ERAS["1.2-mission"], data), data);
});

Deno.test("eraFailureData(): before 1.3 the message is dropped next to structured fields", () => {
  const claimed = new HostFailure("WP_ALREADY_CLAIMED", "claimed", {
    mission_slug: "m",
    mission_number: 1,
    mission_type: "t",
    claimed_by: "a",
  });
  assertEquals(eraFailureData(ERAS["1.3"], claimed).message, "claimed");
  assertEquals(eraFailureData(ERAS["1.2-mission"], claimed), {
    mission_slug: "m",
    mission_number: 1,
    mission_type: "t",
    claimed_by: "a",
  });
  assertEquals(eraFailureData(ERAS["1.0-feature"], claimed), { claimed_by: "a" });
  assertEquals(eraFailureData(ERAS["1.0-feature"], new HostFailure("USAGE_ERROR", "bad", {}, 2)), { message: "bad" });
});
