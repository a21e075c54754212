/**
 * Counts passed and failed test cases in a JUnit XML report written by `deno test --junit-path`.
 * Prints `<passed> <failed>`. Used by `.ci/run`.
 *
 * @module
 */
const path = Deno.args[0];
if (!path) {
  throw new Error("Cannot count tests as the JUnit report path is missing: usage junit_count.ts <report.xml>");
}
let xml = "";
try {
  xml = await Deno.readTextFile(path);
} catch {
  xml = "";
}
let passed = 0;
let failed = 0;
for (const match of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
  const body = match[2] ?? "";
  if (/<(failure|error)\b/.test(body)) failed++;
  else if (/<skipped\b/.test(body)) continue;
  else passed++;
}
await Deno.stdout.write(new TextEncoder().encode(`${passed} ${failed}\n`));
