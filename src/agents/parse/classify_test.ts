import { assertEquals } from "../../../test/support/assert.ts";
import { classifyHttpStatus, classifyText, explainingLine } from "./classify.ts";

Deno.test("classifyText() follows the documented order and patterns", () => {
  assertEquals(classifyText("Not logged in · Please run /login"), "auth");
  assertEquals(classifyText("exceeded retry limit, last status: 429 Too Many Requests"), "rate_limit");
  assertEquals(classifyText("The model `x` does not exist or you do not have access to it."), "model_not_found");
  assertEquals(classifyText("error: unexpected argument '--full-auto' found"), "config");
  assertEquals(classifyText("Reached max session turns for this session."), "timeout");
  assertEquals(classifyText("Segmentation fault"), null);
  assertEquals(classifyText(""), null);
});

Deno.test("classifyText() does not treat 'author' or 'OAuth flow ok' as auth failures", () => {
  assertEquals(classifyText("updated the author field; OAuth flow ok"), null);
});

Deno.test("classifyHttpStatus() maps statuses to classes", () => {
  assertEquals(classifyHttpStatus(401), "auth");
  assertEquals(classifyHttpStatus(429), "rate_limit");
  assertEquals(classifyHttpStatus(404), "model_not_found");
  assertEquals(classifyHttpStatus(500), null);
  assertEquals(classifyHttpStatus(undefined), null);
});

Deno.test("explainingLine() picks the line that explains the failure", () => {
  assertEquals(explainingLine("noise\nError: Not authenticated.\nmore"), "Error: Not authenticated.");
  assertEquals(explainingLine("a\nb"), "a\nb");
});

Deno.test("classifyText() and classifyHttpStatus() know the provider's overload (529), not the word alone", () => {
  assertEquals(classifyText("API Error: 529 Overloaded"), "overloaded");
  assertEquals(
    classifyText('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
    "overloaded",
  );
  assertEquals(classifyText("error: call to overloaded operator '+' is ambiguous"), null);
  assertEquals(classifyHttpStatus(529), "overloaded");
  assertEquals(classifyHttpStatus(503), "overloaded");
});

Deno.test("classifyText() knows the real CLIs' usage errors (config) and Copilot's missing token (auth)", () => {
  assertEquals(classifyText("error: unknown option '--sko-no-such-flag'"), "config"); // auggie 0.36.0
  assertEquals(classifyText("Error: Unknown option '--sko-no-such-flag'. To specify a positional"), "config"); // letta
  assertEquals(classifyText("error: Invalid command format."), "config"); // copilot 1.0.102
  assertEquals(classifyText("Error: No authentication information found."), "auth"); // copilot, no token
  // Copilot with a token it could not check (network down) is not an auth failure.
  assertEquals(
    classifyText("Error: Authentication token found but could not be validated.\n  network fetch failed"),
    null,
  );
});
