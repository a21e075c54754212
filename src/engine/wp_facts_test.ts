import { assertEquals } from "../../test/assert.ts";
import { parseLaneHints, wpTags } from "./wp_facts.ts";

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
