import { assertEquals } from "../../test/support/assert.ts";
import { parseConfigText } from "./parse.ts";
import { resolveConfig } from "./resolve.ts";
import { pipelineFor } from "./select.ts";

const stage = "{ implement: { agents: [codex] }, review: { agents: [codex] } }";
const config = resolveConfig(
  parseConfigText(
    `version: 1
pipelines: { default: ${stage}, careful: ${stage}, cheap: ${stage}, both: ${stage} }
select:
  - { wp: "WP0[1-3]", pipeline: careful }
  - { wp: "WP1*", tag: docs, pipeline: both }
  - { tag: docs, pipeline: cheap }
`,
    "o",
  ),
  {},
  "o",
);

Deno.test("pipelineFor() uses the first matching selector", () => {
  assertEquals(pipelineFor(config, { wpId: "WP02", tags: ["docs"] }).name, "careful");
  assertEquals(pipelineFor(config, { wpId: "WP12", tags: ["docs"] }).name, "both");
  assertEquals(pipelineFor(config, { wpId: "WP12", tags: [] }).name, "default");
  assertEquals(pipelineFor(config, { wpId: "WP05", tags: ["docs", "x"] }).name, "cheap");
});

Deno.test("pipelineFor() falls back to the default pipeline", () => {
  assertEquals(pipelineFor(config, { wpId: "WP04", tags: ["Docs"] }).name, "default");
  assertEquals(pipelineFor(resolveConfig(null, {}, null), { wpId: "WP01", tags: [] }).name, "default");
});

Deno.test("pipelineFor() honours --pipeline over every selector", () => {
  const forced = resolveConfig(
    parseConfigText(
      `version: 1\npipelines: { default: ${stage}, careful: ${stage} }\nselect: [{ wp: "*", pipeline: careful }]\n`,
      "o",
    ),
    { pipeline: "default" },
    "o",
  );
  assertEquals(pipelineFor(forced, { wpId: "WP01", tags: [] }).name, "default");
});
