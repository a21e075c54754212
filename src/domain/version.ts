/**
 * Product and contract versions, in one place.
 *
 * @module
 */

/** The orchestrator's own version (sent to the host as `--provider-version`). */
export const VERSION = "0.1.0";

/** Product name, also the binary name. */
export const PRODUCT = "spec-kitty-orchestrator";

/**
 * Lowest host contract version we accept: 1.0.0, every spec-kitty since 2.0. Hosts before 1.3.0
 * are driven through their era's profile (`host/era.ts`), with the degradations it lists.
 */
export const MIN_CONTRACT_VERSION = "1.0.0";

/** The host contract major version we speak; other majors are refused. */
export const CONTRACT_MAJOR = 1;
