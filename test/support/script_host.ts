/**
 * A host adapter over a shell-script host that records each of its processes, for tests that
 * count host processes (retries, deadlines).
 *
 * @module
 */
import { SpecKittyHost, type SpecKittyHostOptions } from "../../src/host/spec_kitty_host.ts";

/** The adapter, and how many host processes it started so far. */
export interface ScriptHost {
  host: SpecKittyHost;
  processes(): Promise<number>;
}

/**
 * Writes `<dir>/host.sh` running `body` (after it appends a line to `<dir>/calls`) and returns a
 * {@link SpecKittyHost} over it: no backoff waits, no jitter, repo root `dir`.
 */
export async function scriptHost(
  dir: string,
  body: string,
  options: Partial<SpecKittyHostOptions> = {},
): Promise<ScriptHost> {
  const script = `${dir}/host.sh`;
  await Deno.writeTextFile(script, `#!/bin/sh\necho call >> '${dir}/calls'\n${body}\n`);
  await Deno.chmod(script, 0o755);
  const host = new SpecKittyHost({
    command: [script],
    repoRoot: dir,
    kind: "test",
    sleep: () => Promise.resolve(),
    random: () => 0,
    ...options,
  });
  const processes = async () => (await Deno.readTextFile(`${dir}/calls`).catch(() => "")).split("\n").length - 1;
  return { host, processes };
}
