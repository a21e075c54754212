/**
 * Counts passed and failed test cases in the JUnit XML reports written by `deno test --junit-path`
 * (the gate writes two: the parallel suite and the serial real-CLI suite). Prints
 * `<passed> <failed>`, summed over every report given; a missing report counts nothing (the
 * gate's exit status says whether that run failed). Used by `.ci/run`.
 *
 * @module
 */
if (Deno.args.length === 0) {
  throw new Error("Cannot count tests as the JUnit report path is missing: usage junit_count.ts <report.xml>...");
}
let passed = 0;
let failed = 0;
for (const path of Deno.args) {
  let xml = "";
  try {
    xml = await Deno.readTextFile(path);
  } catch {
    xml = "";
  }
  for (const match of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = match[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) continue;
    else passed++;
  }
}
await Deno.stdout.write(new TextEncoder().encode(`${passed} ${failed}\n`));
