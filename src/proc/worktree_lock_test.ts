import { assertEquals } from "../../test/support/assert.ts";
import { withWorktreeLock } from "./worktree_lock.ts";

Deno.test("withWorktreeLock() lets one holder at a time into the section, even within one process", async () => {
  const dir = await Deno.makeTempDir({ prefix: "repo-lock-" });
  try {
    await new Deno.Command("git", { args: ["init", "-q", dir], stdout: "null", stderr: "null" }).output();
    const order: string[] = [];
    let releaseFirst = () => {};
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let entered!: () => void;
    const firstEntered = new Promise<void>((resolve) => (entered = resolve));
    const first = withWorktreeLock(dir, async () => {
      order.push("first in");
      entered();
      await firstHolds;
      order.push("first out");
    });
    await firstEntered;
    const second = withWorktreeLock(dir, () => {
      order.push("second in");
      return Promise.resolve(42);
    });
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(order, ["first in"]);
    releaseFirst();
    assertEquals(await second, 42);
    await first;
    assertEquals(order, ["first in", "first out", "second in"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
