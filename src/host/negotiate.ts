/**
 * Contract negotiation at startup (and on resume): which host versions we work with.
 *
 * Rules (fixing reference weakness 17): we send `--provider-version`; we accept contract major
 * {@link CONTRACT_MAJOR} at or above {@link MIN_CONTRACT_VERSION} (pre-releases parse), each
 * minor through its era (`era.ts`, detected by the adapter); we honour
 * the host's `min_supported_provider_version`; a refusal names both versions and what to upgrade.
 *
 * @module
 */
import { ExitCode, UserError } from "../domain/errors.ts";
import { CONTRACT_MAJOR, MIN_CONTRACT_VERSION, PRODUCT, VERSION } from "../domain/version.ts";
import { HostError } from "../domain/host_errors.ts";
import { eraFromContract } from "./era.ts";
import type { ContractInfo, EraId, Host } from "../domain/host.ts";
import { compareParsed, parseVersion } from "./version_compare.ts";

const UPGRADE_HOST = "Upgrade spec-kitty with `pipx upgrade spec-kitty-cli` (every spec-kitty-cli since 2.0 " +
  "speaks contract 1.x; 3.2.6rc1 and later speak 1.3.0), or use the built-in host with `--host builtin`.";
const UPGRADE_US = `Upgrade ${PRODUCT} to a release that supports this host.`;

function refuse(message: string, fix: string): UserError {
  return new UserError(message, { exitCode: ExitCode.RunFailed, fix });
}

/** Pure check of a `contract-version` answer; returns it unchanged when acceptable. */
export function checkContract(info: ContractInfo, providerVersion = VERSION, hostKind = "spec-kitty"): ContractInfo {
  const host = `the ${hostKind} host`;
  const api = parseVersion(info.apiVersion);
  if (api === null) {
    throw refuse(
      `Cannot use ${host} as its contract version must look like 1.3.0: current value is ${
        JSON.stringify(info.apiVersion)
      }`,
      UPGRADE_HOST,
    );
  }
  if (api.major !== CONTRACT_MAJOR) {
    const newer = api.major > CONTRACT_MAJOR;
    throw refuse(
      `Cannot use ${host} as it speaks contract ${info.apiVersion} while ${PRODUCT} ${providerVersion} speaks ` +
        `contract ${CONTRACT_MAJOR}.x (>= ${MIN_CONTRACT_VERSION})`,
      newer ? UPGRADE_US : UPGRADE_HOST,
    );
  }
  const min = parseVersion(MIN_CONTRACT_VERSION);
  if (min !== null && compareParsed(api, min) < 0) {
    throw refuse(
      `Cannot use ${host} as its contract ${info.apiVersion} is older than ${MIN_CONTRACT_VERSION}, the minimum ` +
        `${PRODUCT} ${providerVersion} needs`,
      UPGRADE_HOST,
    );
  }
  const required = parseVersion(info.minSupportedProviderVersion);
  const ours = parseVersion(providerVersion);
  // An unreadable minimum is not ours to enforce: the host already saw --provider-version.
  if (required !== null && ours !== null && compareParsed(ours, required) < 0) {
    throw refuse(
      `Cannot use ${host} as it requires ${PRODUCT} >= ${info.minSupportedProviderVersion} ` +
        `(contract ${info.apiVersion}): current version is ${providerVersion}`,
      `Upgrade ${PRODUCT} to ${info.minSupportedProviderVersion} or later.`,
    );
  }
  return info;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Turns the host's `CONTRACT_VERSION_MISMATCH` refusal into a user error naming both versions. */
export function mismatchError(error: HostError, providerVersion = VERSION, hostKind = "spec-kitty"): UserError {
  const api = str(error.data.api_version) ?? "unknown";
  const min = str(error.data.min_supported_provider_version);
  const said = str(error.data.message) ?? error.message;
  const ours = parseVersion(providerVersion);
  const req = min === undefined ? null : parseVersion(min);
  const weAreOld = ours !== null && req !== null && compareParsed(ours, req) < 0;
  return refuse(
    `Cannot use the ${hostKind} host as it refused ${PRODUCT} ${providerVersion} with CONTRACT_VERSION_MISMATCH ` +
      `(host contract ${api}${min === undefined ? "" : `, minimum provider version ${min}`}): ${said}`,
    weAreOld ? `Upgrade ${PRODUCT} to ${min} or later.` : `${UPGRADE_HOST} Or: ${UPGRADE_US}`,
  );
}

/**
 * Turns any other refusal of `contract-version` (a read that must always succeed) into a user
 * error naming the code the host sent, so a broken or foreign host never looks like our bug.
 */
export function refusalError(error: HostError, providerVersion = VERSION, hostKind = "spec-kitty"): UserError {
  const code = error.rawCode ?? "no error_code";
  const said = str(error.data.message);
  return refuse(
    `Cannot use the ${hostKind} host as it refused 'orchestrator-api contract-version' with ${code}` +
      `${said === undefined ? "" : `: ${said}`}`,
    `Check the host by hand with \`orchestrator-api contract-version --provider-version ${providerVersion}\` ` +
      `(it must answer success); repair or upgrade it (\`pipx upgrade spec-kitty-cli\`), or run with --host builtin.`,
  );
}

/**
 * The era of a checked contract: the one the adapter detected, else the one its version names
 * (a 1.0.0 host that was not probed is taken for the mission era).
 */
export function contractEra(info: ContractInfo): EraId {
  if (info.era !== undefined) return info.era;
  const era = eraFromContract(info.apiVersion);
  return era === null ? "1.3" : era === "probe" ? "1.0-mission" : era;
}

/**
 * Asks the host for its contract (sending our version) and enforces {@link checkContract};
 * the answer always names the era.
 */
export async function negotiateContract(host: Host, providerVersion: string = VERSION): Promise<ContractInfo> {
  let info: ContractInfo;
  try {
    info = await host.contractVersion(providerVersion);
  } catch (error) {
    if (error instanceof HostError) {
      throw error.code === "CONTRACT_VERSION_MISMATCH"
        ? mismatchError(error, providerVersion, host.kind)
        : refusalError(error, providerVersion, host.kind);
    }
    throw error;
  }
  const checked = checkContract(info, providerVersion, host.kind);
  return { ...checked, era: contractEra(checked) };
}
