import { assertEquals } from "../../test/support/assert.ts";
import { parseLaneHints, wpOwnedPaths, wpTags } from "./wp_facts.ts";

Deno.test("wpTags() reads string tags from the frontmatter only", () => {
  assertEquals(wpTags("---\nwork_package_id: WP01\ntags: [ui, 'slow', 3]\n---\ntags: [body]\n"), ["ui", "slow"]);
  assertEquals(wpTags("no frontmatter"), []);
  assertEquals(wpTags("---\ntags: [unclosed\n---\n"), []);
  assertEquals(wpTags(null), []);
});

Deno.test("parseLaneHints() maps WPs to lanes and ignores junk", () => {
  const text = JSON.stringify({ lanes: [{ lane_id: "lane-a", wp_ids: ["WP01", "WP02"] }, { lane_id: 3 }, null] });
  assertEquals([...parseLaneHints(text)], [["WP01", "lane-a"], ["WP02", "lane-a"]]);
  assertEquals(parseLaneHints("{"), new Map());
});

Deno.test("wpOwnedPaths() joins owned_files and create_intent", () => {
  assertEquals(wpOwnedPaths("---\nowned_files: [demo/a.py]\ncreate_intent:\n  - demo/b.py\n---\n"), [
    "demo/a.py",
    "demo/b.py",
  ]);
  assertEquals(wpOwnedPaths("---\ntitle: x\n---\n"), []);
});
