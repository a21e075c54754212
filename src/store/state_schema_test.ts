import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { canonicalJson, decodeState, encodeState, STATE_SCHEMA_VERSION, stateChecksum } from "./state_schema.ts";
import { sampleState } from "../../test/support/state_fixture.ts";

async function reencode(mutate: (doc: Record<string, unknown>) => void): Promise<string> {
  const doc = JSON.parse(await encodeState(sampleState()));
  mutate(doc);
  doc.checksum = await stateChecksum(doc);
  return JSON.stringify(doc);
}

Deno.test("encodeState() and decodeState() round-trip a state", async () => {
  const state = sampleState();
  const decoded = await decodeState(await encodeState(state));
  assert(decoded.ok);
  assertEquals(decoded.state, state);
  assertEquals(decoded.migratedFrom, null);
});

Deno.test("decodeState() keeps unknown top-level keys in extra and encodeState() writes them back", async () => {
  const text = await reencode((doc) => {
    doc.future_field = { a: 1 };
  });
  const decoded = await decodeState(text);
  assert(decoded.ok);
  assertEquals(decoded.state.extra, { future_field: { a: 1 } });
  const again = JSON.parse(await encodeState(decoded.state));
  assertEquals(again.future_field, { a: 1 });
  assertEquals("extra" in again, false);
});

Deno.test("decodeState() keeps unknown keys inside WP entries", async () => {
  const text = await reencode((doc) => {
    (doc.wps as Record<string, Record<string, unknown>>).WP01!.new_counter = 7;
  });
  const decoded = await decodeState(text);
  assert(decoded.ok);
  const again = JSON.parse(await encodeState(decoded.state));
  assertEquals(again.wps.WP01.new_counter, 7);
});

Deno.test("decodeState() rejects a changed value by checksum", async () => {
  const text = (await encodeState(sampleState())).replace('"implement_failures": 1', '"implement_failures": 0');
  const decoded = await decodeState(text);
  assert(!decoded.ok);
  assertEquals(decoded.kind, "checksum");
});

Deno.test("decodeState() rejects a file without checksum", async () => {
  const doc = JSON.parse(await encodeState(sampleState()));
  delete doc.checksum;
  const decoded = await decodeState(JSON.stringify(doc));
  assert(!decoded.ok);
  assertEquals(decoded.kind, "checksum");
});

Deno.test("decodeState() reports truncated JSON with the byte count", async () => {
  const text = (await encodeState(sampleState())).slice(0, 100);
  const decoded = await decodeState(text);
  assert(!decoded.ok);
  assertEquals(decoded.kind, "json");
  assertEquals(decoded.detail, "truncated JSON at byte 100");
});

Deno.test("decodeState() reports other invalid JSON as such", async () => {
  const decoded = await decodeState('{"a": 1,,}');
  assert(!decoded.ok);
  assertStringIncludes(decoded.detail, "invalid JSON");
});

Deno.test("decodeState() reports an empty file", async () => {
  const decoded = await decodeState("");
  assert(!decoded.ok);
  assertEquals(decoded.kind, "empty");
});

Deno.test("decodeState() refuses a newer schema version", async () => {
  const text = await reencode((doc) => {
    doc.schema_version = 99;
  });
  const decoded = await decodeState(text);
  assert(!decoded.ok && decoded.kind === "newer");
  assertEquals(decoded.version, 99);
});

Deno.test("decodeState() names the first invalid field path", async () => {
  const text = await reencode((doc) => {
    (doc.wps as Record<string, Record<string, unknown>>).WP01!.phase = "dancing";
  });
  const decoded = await decodeState(text);
  assert(!decoded.ok);
  assertEquals(decoded.kind, "schema");
  assertStringIncludes(decoded.detail, "wps.WP01.phase");
});

Deno.test("decodeState() applies migrations in order up to the current version", async () => {
  const text = await reencode((doc) => {
    doc.schema_version = STATE_SCHEMA_VERSION;
    doc.old_name = doc.actor;
    delete doc.actor;
  });
  const decoded = await decodeState(text, {
    currentVersion: STATE_SCHEMA_VERSION + 1,
    migrations: {
      [STATE_SCHEMA_VERSION]: ({ old_name, ...rest }) => ({ ...rest, actor: old_name }),
    },
  });
  assert(decoded.ok);
  assertEquals(decoded.migratedFrom, STATE_SCHEMA_VERSION);
  assertEquals(decoded.state.actor, "spec-kitty-orchestrator");
  assertEquals(decoded.state.schema_version, STATE_SCHEMA_VERSION + 1);
});

Deno.test("decodeState() fails when a migration is missing", async () => {
  const text = await encodeState(sampleState());
  const decoded = await decodeState(text, { currentVersion: STATE_SCHEMA_VERSION + 1, migrations: {} });
  assert(!decoded.ok);
  assertStringIncludes(decoded.detail, "no migration");
});

Deno.test("canonicalJson() ignores key order and whitespace", () => {
  assertEquals(
    canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }),
    '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
  );
});

Deno.test("encodeState() hashes a snapshot even when the state changes during hashing", async () => {
  const state = sampleState();
  const pending = encodeState(state);
  state.wps.WP01!.review_cycles = 5;
  const decoded = await decodeState(await pending);
  assert(decoded.ok);
  assertEquals(decoded.state.wps.WP01!.review_cycles, 0);
});

Deno.test("decodeState() reads a state written before stop_cause existed as stop_cause null", async () => {
  const text = await reencode((doc) => {
    for (const wp of Object.values(doc.wps as Record<string, Record<string, unknown>>)) delete wp.stop_cause;
  });
  const decoded = await decodeState(text);
  assert(decoded.ok, JSON.stringify(decoded));
  assertEquals(decoded.state.wps.WP01?.stop_cause, null);
});

Deno.test("decodeState() round-trips a recorded stop cause and names a malformed one", async () => {
  const state = sampleState();
  state.wps.WP01!.stop_cause = {
    kind: "agent_config",
    role: "review",
    agent: "opencode",
    failure_class: "model_not_found",
    message: "Model not found",
  };
  const decoded = await decodeState(await encodeState(state));
  assert(decoded.ok);
  assertEquals(decoded.state.wps.WP01?.stop_cause, state.wps.WP01!.stop_cause);
  const bad = await reencode((doc) => {
    (doc.wps as Record<string, Record<string, unknown>>).WP01!.stop_cause = { kind: "agent_config", role: "x" };
  });
  const refused = await decodeState(bad);
  assert(!refused.ok);
  assertStringIncludes(refused.detail, "wps.WP01.stop_cause");
});

Deno.test("decodeState() reads a state written before host eras (no host_era) and round-trips a recorded era", async () => {
  const old = await decodeState(await encodeState(sampleState()));
  assert(old.ok, JSON.stringify(old));
  assertEquals(old.state.host_era, undefined);
  assertEquals("host_era" in (old.state.extra ?? {}), false);
  const state = { ...sampleState(), host_era: "1.0-feature" };
  const text = await encodeState(state);
  assertStringIncludes(text, '"host_era": "1.0-feature"');
  const decoded = await decodeState(text);
  assert(decoded.ok, JSON.stringify(decoded));
  assertEquals(decoded.state.host_era, "1.0-feature");
});
