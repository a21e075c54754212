import { assertEquals, assertMatch } from "../../test/support/assert.ts";
import { hex, randomHex, sha256Hex } from "./hex.ts";

Deno.test("hex() writes two lowercase digits per byte", () => {
  assertEquals(hex(new Uint8Array([0, 9, 10, 255])), "00090aff");
  assertEquals(hex(new Uint8Array()), "");
});

Deno.test("randomHex() gives exactly the characters asked for, odd lengths too", () => {
  for (const n of [1, 4, 12, 32]) assertMatch(randomHex(n), new RegExp(`^[0-9a-f]{${n}}$`));
});

Deno.test("sha256Hex() hashes a string as UTF-8 and bytes as they are", async () => {
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assertEquals(await sha256Hex("abc"), abc);
  assertEquals(await sha256Hex(new TextEncoder().encode("abc")), abc);
});
