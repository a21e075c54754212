/**
 * Small filesystem helpers shared by several modules.
 *
 * @module
 */

/** True when something (file, directory, or a dangling link) exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
