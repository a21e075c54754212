/**
 * Maps a field path back to a line and column of the YAML source, so every config error can
 * say `orchestration.yaml:12:7`.
 *
 * @module
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter } from "yaml";

/** A 1-based source position. */
export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

function startOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

/**
 * The position of the node at `path` (of its key when `atKey`). When the path does not exist
 * (a required key is missing), the position of the deepest existing key on the way.
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  atKey = false,
): SourcePosition | undefined {
  let node: unknown = doc.contents;
  let offset = startOf(node);
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const key = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
      if (pair === undefined) break;
      const keyOffset = startOf(pair.key);
      const valueOffset = startOf(pair.value);
      offset = (last && atKey) || valueOffset === undefined ? keyOffset ?? offset : last ? valueOffset : keyOffset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      const item = node.items[key];
      if (item === undefined) break;
      offset = startOf(item) ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset);
}
