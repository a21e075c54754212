/**
 * Writes or checks the committed JSON Schema of orchestration.yaml. PLACEHOLDER until the config module lands.
 *
 * @module
 */
Deno.exit(0);
