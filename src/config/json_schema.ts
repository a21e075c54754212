/**
 * The published JSON Schema (draft-07) of `orchestration.yaml`, generated from the zod schema
 * and committed at `schema/orchestration.schema.json` for editors (yaml-language-server).
 *
 * @module
 */
import { z } from "zod";
import { OrchestrationFileSchema } from "./schema.ts";

/** Where the committed schema is published (the `$schema` comment in generated files points here). */
export const SCHEMA_URL =
  "https://raw.githubusercontent.com/spec-kitty/spec-kitty-orchestrator/main/schema/orchestration.schema.json";

/** The JSON Schema as an object. */
export function orchestrationJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(OrchestrationFileSchema, { target: "draft-7" }), $id: SCHEMA_URL };
}

/** The JSON Schema as committed: pretty JSON with a trailing newline. */
export function renderJsonSchema(): string {
  return JSON.stringify(orchestrationJsonSchema(), null, 2) + "\n";
}
