/**
 * Output parsers by name, as the registry refers to them.
 *
 * @module
 */
import { auggieParser } from "./auggie.ts";
import { claudeParser } from "./claude.ts";
import { codexParser } from "./codex.ts";
import { copilotParser } from "./copilot.ts";
import { cursorParser } from "./cursor.ts";
import { geminiParser } from "./gemini.ts";
import { lettaParser } from "./letta.ts";
import { opencodeParser } from "./opencode.ts";
import { piParser } from "./pi.ts";
import { qwenParser } from "./qwen.ts";
import type { ParserFactory } from "./types.ts";

export type { ParseContext, ParsedOutput, ParserFactory, StdoutNeeds, StreamParser } from "./types.ts";

/** The parser of each CLI family's output format. */
export const PARSERS = {
  claude: claudeParser,
  codex: codexParser,
  opencode: opencodeParser,
  gemini: geminiParser,
  qwen: qwenParser,
  copilot: copilotParser,
  cursor: cursorParser,
  auggie: auggieParser,
  pi: piParser,
  letta: lettaParser,
} as const satisfies Record<string, ParserFactory>;

/** A parser name. */
export type ParserName = keyof typeof PARSERS;
