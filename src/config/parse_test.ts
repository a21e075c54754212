import { assert, assertEquals, assertStringIncludes, assertThrows } from "../../test/support/assert.ts";
import { ConfigError, ExitCode } from "../domain/errors.ts";
import { MAX_CONFIG_BYTES, parseConfigText } from "./parse.ts";

/** The ConfigError message for `text` (asserting exit code 2). */
function problems(text: string): string {
  const error = assertThrows(() => parseConfigText(text, "o.yaml"), ConfigError);
  assertEquals(error.exitCode, ExitCode.Usage);
  return error.message;
}

const PIPELINE = `pipelines:
  default:
    implement:
      agents: [claude-code, codex]
    review:
      agents: [codex]
`;

Deno.test("parseConfigText() accepts a minimal file and a full pipeline", () => {
  assertEquals(parseConfigText("version: 1\n", "o.yaml"), { version: 1 });
  const file = parseConfigText(`version: 1\n${PIPELINE}`, "o.yaml");
  assertEquals(file.pipelines?.default?.implement.agents, ["claude-code", "codex"]);
});

Deno.test("parseConfigText() names file:line:col, the field path, the rule and the value", () => {
  const message = problems(`version: 1
pipelines:
  default:
    implement:
      agents: [claude-code, codx]
    review:
      agents: [codex]
`);
  assertStringIncludes(
    message,
    "o.yaml:5:29: pipelines.default.implement.agents[1] must be a built-in agent (claude-code, codex,",
  );
  assertStringIncludes(message, 'current value is "codx"; did you mean `codex`?');
});

Deno.test("parseConfigText() suggests the closest key for unknown keys, pointing at the key", () => {
  const message = problems(`version: 1
defaults:
  timeout: 45m
  stall_timout: 10m
`);
  assertStringIncludes(message, "o.yaml:4:3: defaults.stall_timout is not a known key; did you mean `stall_timeout`?");
  assertStringIncludes(problems("version: 1\nmaxConcurrent: 2\n"), "did you mean `max_concurrent`?");
  assertStringIncludes(problems("version: 1\nzzz: 2\n"), "known keys: version, host,");
});

Deno.test("parseConfigText() reports wrong types with the actual value", () => {
  const message = problems(`version: 1
max_concurrent: "4"
accept: yes
host:
  timeout: 30
${PIPELINE.replace("agents: [codex]", "agents: codex")}`);
  assertStringIncludes(message, 'o.yaml:2:17: max_concurrent must be a number: current value is "4"');
  assertStringIncludes(
    message,
    'o.yaml:3:9: accept must be true or false: current value is "yes"; write true or false',
  );
  assertStringIncludes(
    message,
    "o.yaml:5:12: host.timeout must be a duration like `30s`, `10m`, `1h` or `1h30m`: current value is 30",
  );
  assertStringIncludes(message, 'pipelines.default.review.agents must be a list: current value is "codex"');
  assertStringIncludes(message, "4 problems");
});

Deno.test("parseConfigText() requires version 1 and rejects other versions", () => {
  assertStringIncludes(problems("max_concurrent: 2\n"), "version is required");
  assertStringIncludes(problems("version: 2\n"), "o.yaml:1:10: version must be `1`: current value is 2");
  assertStringIncludes(problems(""), "version is required");
  assertStringIncludes(problems("- a\n"), "(top level) must be a mapping");
});

Deno.test("parseConfigText() checks ranges and enums", () => {
  assertStringIncludes(
    problems("version: 1\nmax_concurrent: 0\n"),
    "max_concurrent must be at least 1: current value is 0",
  );
  assertStringIncludes(problems("version: 1\nmax_concurrent: 65\n"), "must be at most 64");
  assertStringIncludes(problems("version: 1\nhost: { kind: spekitty }\n"), "did you mean `spec-kitty`?");
  assertStringIncludes(problems("version: 1\ndefaults: { timeout: 0s }\n"), "defaults.timeout must be at least 1s");
  // Too many digits for the syntax is still a duration: the message gives the bound.
  assertStringIncludes(
    problems("version: 1\ndefaults: { timeout: 99999999999h }\n"),
    'defaults.timeout must be at most 24h: current value is "99999999999h"',
  );
  assertStringIncludes(
    problems("version: 1\ndefaults: { retry: { non_retryable: [auth, rate-limit] } }\n"),
    "defaults.retry.non_retryable[1] must be one of `timeout`, `stall`, `auth`, `rate_limit`",
  );
  assertStringIncludes(problems("version: 1\nlogs: { max_bytes: 50mb }\n"), "logs.max_bytes must be a size like");
  assertStringIncludes(problems("version: 1\nlogs: { max_bytes: 10 }\n"), "must be at least 1024");
  assertEquals(parseConfigText("version: 1\nlogs: { max_bytes: 50MiB }\n", "o").logs?.max_bytes, "50MiB");
});

Deno.test("parseConfigText() rejects policy values and families the host's secret scan would reject", () => {
  const message = problems(`version: 1
policy:
  approval_mode: full_auto
  network_mode: no-TOKEN-needed
agents:
  mine:
    command: [x]
    family: monkey
`);
  assertStringIncludes(message, "o.yaml:4:17: policy.network_mode must not contain `token`");
  assertStringIncludes(message, "o.yaml:8:13: agents.mine.family must not contain `token`, `secret`, `key`");
  assertStringIncludes(message, 'current value is "monkey"');
});

Deno.test("parseConfigText() validates custom agents: ids, placeholders, prompt delivery, env names", () => {
  assertStringIncludes(
    problems("version: 1\nagents:\n  My_Agent: { command: [x] }\n"),
    'o.yaml:3:3: agents.My_Agent must be an agent id of lowercase letters, digits and - (max 40): current value is "My_Agent"',
  );
  assertStringIncludes(
    problems("version: 1\nagents:\n  codex: { command: [x] }\n"),
    "o.yaml:3:3: agents.codex must not reuse a built-in agent id",
  );
  const placeholder = problems('version: 1\nagents:\n  a:\n    command: ["{repo_root}/x", "{promt_file}"]\n');
  assertStringIncludes(placeholder, "o.yaml:4:32: agents.a.command[1] must use only the placeholders {prompt_file}");
  assertStringIncludes(placeholder, 'current value is "{promt_file}"; did you mean `{prompt_file}`?');
  assertStringIncludes(
    problems("version: 1\nagents:\n  a: { command: [x], prompt: file }\n"),
    "agents.a.command must contain `{prompt_file}` since prompt is `file`",
  );
  assertStringIncludes(
    problems("version: 1\nagents:\n  a: { command: [x], prompt: arg }\n"),
    "agents.a.command must contain `{prompt}` since prompt is `arg`",
  );
  assertStringIncludes(
    problems('version: 1\nagents:\n  a: { command: ["{prompt}"], review_command: [y], prompt: arg }\n'),
    "agents.a.review_command must contain `{prompt}` since prompt is `arg`",
  );
  assertStringIncludes(
    problems("version: 1\nagents:\n  a: { command: [x], pass_env: [OPENAI_API_KEY=sk-123] }\n"),
    "agents.a.pass_env[0] must be an environment variable name",
  );
  assertStringIncludes(
    problems("version: 1\nagents:\n  a: { command: [] }\n"),
    "agents.a.command must have at least 1 item",
  );
  const ok = parseConfigText(
    'version: 1\nagents:\n  a: { command: ["x", "{prompt_file}", \'{"json": true}\'], prompt: file }\n',
    "o",
  );
  assertEquals(ok.agents?.a?.prompt, "file");
});

Deno.test("parseConfigText() checks agent and pipeline references with suggestions", () => {
  const message = problems(`version: 1
pipeline: carefull
${PIPELINE.replace("[codex]\n", "[codex, codex]\n")}  careful:
    implement: { agents: [my-agnt] }
    review: { agents: [claude] }
agents:
  my-agent: { command: [x] }
select:
  - { wp: "WP0[1-3]", pipeline: carefull }
  - { pipeline: default }
`);
  assertStringIncludes(
    message,
    'o.yaml:2:11: pipeline must name a pipeline defined under `pipelines:` (default, careful): current value is "carefull"; did you mean `careful`?',
  );
  assertStringIncludes(
    message,
    "o.yaml:8:23: pipelines.default.review.agents[1] must not repeat an agent in the chain",
  );
  assertStringIncludes(message, "pipelines.careful.implement.agents[0] must be a built-in agent");
  assertStringIncludes(message, 'current value is "my-agnt"; did you mean `my-agent`?');
  assertStringIncludes(message, 'current value is "claude"; did you mean `claude-code`?');
  assertStringIncludes(message, "o.yaml:15:33: select[0].pipeline must name a pipeline");
  assertStringIncludes(message, "o.yaml:16:5: select[1] must have `wp` (a glob on the WP id) or `tag`");
});

Deno.test("parseConfigText() needs a default pipeline when several are defined", () => {
  const two = `version: 1
pipelines:
  a: { implement: { agents: [codex] }, review: { agents: [codex] } }
  b: { implement: { agents: [codex] }, review: { agents: [codex] } }
`;
  assertStringIncludes(problems(two), "o.yaml:2:1: pipelines must contain a pipeline named `default`");
  assert(parseConfigText(two + "pipeline: b\n", "o").pipeline === "b");
  assertStringIncludes(problems(two.replace("b:", "B:")), "must be a pipeline name of lowercase letters");
});

Deno.test("parseConfigText() rejects bad select globs and tags", () => {
  assertStringIncludes(
    problems(`version: 1\nselect:\n  - { wp: "WP0[1-3", pipeline: default }\n`),
    `o.yaml:3:11: select[0].wp must close every '[' with ']': current value is "WP0[1-3"`,
  );
  assertStringIncludes(
    problems(`version: 1\nselect:\n  - { tag: "has space", pipeline: default }\n`),
    "select[0].tag must be a tag",
  );
});

Deno.test("parseConfigText() rejects duplicate keys with their line", () => {
  const message = problems("version: 1\nactor: a\nactor: b\n");
  assertStringIncludes(message, "o.yaml:3:1: Map keys must be unique");
});

Deno.test("parseConfigText() names file:line:col for YAML syntax errors", () => {
  const message = problems("version: 1\npipelines: [\n");
  assertStringIncludes(message, "o.yaml:3:1:");
  assertStringIncludes(problems('version: 1\nactor: "unclosed\n'), 'o.yaml:3:1: Missing closing "quote');
});

Deno.test("parseConfigText() escapes control characters in a YAML error's code frame, caret kept under the column", () => {
  const message = problems("version: 1\nfoo: \x1b]0;PWNED\x07\x1b[2J: [\n");
  // deno-lint-ignore no-control-regex -- looking for raw control characters
  assert(!/[\x00-\x08\x0b-\x1f\x7f]/.test(message), `raw control characters: ${JSON.stringify(message)}`);
  assertStringIncludes(message, "foo: \\x1b]0;PWNED\\x07\\x1b[2J: [");
  // "Nested mappings ... at line 2, column 6": the caret sits under the first escape.
  const lines = message.split("\n");
  const at = lines.findIndex((l) => l.includes("foo: \\x1b]0;PWNED"));
  assertEquals(lines[at + 1]?.indexOf("^"), lines[at]!.indexOf("\\x1b"));
});

Deno.test("parseConfigText() says one document per file, with the line of the second", () => {
  const message = problems("version: 1\nmax_concurrent: 2\n---\nversion: 1\n");
  assertStringIncludes(message, "o.yaml:3:1: a configuration file must hold one YAML document");
  assertStringIncludes(message, "a second one starts at line 3");
  assert(!message.includes("parseAllDocuments"), message);
});

Deno.test("parseConfigText() fails fast on an alias bomb (billion laughs)", () => {
  const rows = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (const [prev, name] of ["ab", "bc", "cd", "de", "ef", "fg", "gh", "hi"].map((p) => [p[0], p[1]])) {
    rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  const error = assertThrows(() => parseConfigText(rows.join("\n") + "\n", "bomb.yaml"), ConfigError);
  assertStringIncludes(error.message, "Cannot load bomb.yaml as its aliases (*name) must expand to at most 50 nodes");
  assertEquals(error.exitCode, ExitCode.Usage);
});

Deno.test("parseConfigText() allows a few aliases for shared settings", () => {
  const file = parseConfigText(
    `version: 1
defaults: { retry: &r { max_attempts: 3 } }
pipelines:
  default:
    implement: { agents: [codex], retry: *r }
    review: { agents: [codex], retry: *r }
`,
    "o",
  );
  assertEquals(file.pipelines?.default?.review.retry?.max_attempts, 3);
});

Deno.test("parseConfigText() rejects oversized input before parsing", () => {
  const big = "version: 1\n#" + "x".repeat(MAX_CONFIG_BYTES) + "\n";
  const error = assertThrows(() => parseConfigText(big, "big.yaml"), ConfigError);
  assertStringIncludes(error.message, "Cannot load big.yaml as it must be at most 256 KiB: current size is");
});

Deno.test("parseConfigText() lists at most 10 problems", () => {
  const keys = Array.from({ length: 14 }, (_, i) => `k${i}: 1`).join("\n");
  const message = problems(`version: 1\n${keys}\n`);
  assertStringIncludes(message, "14 problems");
  assertStringIncludes(message, "... and 4 more");
});

Deno.test("parseConfigText() points a missing required key at its parent's key", () => {
  const message = problems("version: 1\npipelines:\n  default:\n    implement: { agents: [codex] }\n");
  assertStringIncludes(message, "o.yaml:3:3: pipelines.default.review is required");
  assertStringIncludes(
    problems("version: 1\nnotify:\n  - { kind: slack, url: https://x }\n"),
    "o.yaml:3:20: notify[0].url is not a known key; did you mean `url_env`?",
  );
});
