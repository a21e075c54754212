/**
 * Binary lookup on a PATH string (ours or a cron-like one), without spawning a shell.
 *
 * @module
 */
import { delimiter, isAbsolute, join } from "node:path";

/** True when `path` is an executable regular file. */
export async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) return false;
    if (Deno.build.os === "windows") return true;
    return info.mode === null || (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Every PATH directory holding an executable `binary`, in order (absolute paths are checked as they are). */
export async function whichAll(binary: string, pathValue: string): Promise<string[]> {
  if (binary.includes("/") || isAbsolute(binary)) return (await isExecutable(binary)) ? [binary] : [];
  const exts = Deno.build.os === "windows" ? ["", ".exe", ".cmd", ".bat"] : [""];
  const found: string[] = [];
  for (const dir of pathValue.split(delimiter)) {
    if (dir === "") continue;
    for (const ext of exts) {
      const candidate = join(dir, binary + ext);
      if (await isExecutable(candidate)) {
        found.push(candidate);
        break;
      }
    }
  }
  return found;
}

/** The first executable `binary` on `pathValue`, or null. */
export async function which(binary: string, pathValue: string): Promise<string | null> {
  return (await whichAll(binary, pathValue))[0] ?? null;
}
