/**
 * Warnings about argv lists that are valid but probably not what was meant: an element with a
 * space in it, such as `command: ["spec-kitty --foo"]`, is ONE argument, so the program looked
 * up is `spec-kitty --foo` (or the flag arrives as one word with a space). A space is legitimate
 * in a path that exists (`/Applications/My Tool/bin/tool`) and in templated text (`{prompt}`),
 * so those are not reported.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { placeholdersIn } from "./placeholders.ts";
import type { ResolvedConfig } from "../domain/config.ts";
import { splitWords, yamlList } from "./issues.ts";
import { byCodeUnit } from "../core/order.ts";

/** One suspicious argv element. */
export interface ArgvWarning {
  /** Field path, e.g. `host.command[0]` or `agents.aider.command[1]`. */
  path: string;
  /** The element as written. */
  value: string;
  /** The whole message, with the list it probably meant. */
  message: string;
}

/**
 * Checks every argv of `config` (host command, custom agents' commands). `exists(path)` says
 * whether a file or directory exists (paths are tried as given and against `repoRoot`).
 */
export function argvWarnings(
  config: Pick<ResolvedConfig, "host" | "agents">,
  repoRoot: string,
  exists: (path: string) => boolean,
): ArgvWarning[] {
  const lists: [string, readonly string[]][] = [["host.command", config.host.command]];
  for (const [id, agent] of Object.entries(config.agents).sort(([a], [b]) => byCodeUnit(a, b))) {
    lists.push([`agents.${id}.command`, agent.command]);
    if (agent.reviewCommand !== undefined) lists.push([`agents.${id}.review_command`, agent.reviewCommand]);
  }
  const out: ArgvWarning[] = [];
  for (const [field, argv] of lists) {
    argv.forEach((value, i) => {
      if (!/\s/.test(value) || placeholdersIn(value).length > 0) return;
      const paths = isAbsolute(value) ? [value] : [value, resolve(repoRoot, value)];
      if (paths.some(exists)) return;
      const path = `${field}[${i}]`;
      const meant = yamlList([...argv.slice(0, i), ...splitWords(value), ...argv.slice(i + 1)]);
      out.push({
        path,
        value,
        message: `${path} is the single argument ${JSON.stringify(value)}: it contains a space and names no ` +
          `existing file; if it is several arguments, write them as separate items: ${meant}`,
      });
    });
  }
  return out;
}
