import { assertEquals, assertMatch } from "../../test/support/assert.ts";
import { envelopeLine, isoUtc, makeEnvelope } from "./envelope.ts";
import { prettyJson, pyJson } from "./json.ts";

Deno.test("isoUtc() formats like Python isoformat with microseconds and +00:00", () => {
  assertEquals(isoUtc(new Date("2026-11-21T09:17:37.720Z"), 76), "2026-11-21T09:17:37.720076+00:00");
});

Deno.test("makeEnvelope() keeps the seven keys in wire order with host formats", () => {
  const env = makeEnvelope("list-ready", true, null, { mission_slug: "m" });
  assertEquals(Object.keys(env), [
    "contract_version",
    "command",
    "timestamp",
    "correlation_id",
    "success",
    "error_code",
    "data",
  ]);
  assertEquals(env.command, "orchestrator-api.list-ready");
  assertMatch(env.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  assertMatch(env.correlation_id, /^corr-[0-9a-f]{32}$/);
});

Deno.test("envelopeLine() prints one Python-style line keeping data order", () => {
  const env = { ...makeEnvelope("x", false, "E", { z: 1, a: [true, null] }), timestamp: "T", correlation_id: "C" };
  assertEquals(
    envelopeLine(env),
    '{"contract_version": "1.3.0", "command": "orchestrator-api.x", "timestamp": "T", "correlation_id": "C", ' +
      '"success": false, "error_code": "E", "data": {"z": 1, "a": [true, null]}}',
  );
});

Deno.test("pyJson() sorts keys by default and prettyJson() sorts deeply", () => {
  assertEquals(pyJson({ b: { d: 1, c: "x" }, a: [] }), '{"a": [], "b": {"c": "x", "d": 1}}');
  assertEquals(prettyJson({ b: 1, a: { d: 2, c: 3 } }), '{\n  "a": {\n    "c": 3,\n    "d": 2\n  },\n  "b": 1\n}\n');
});
