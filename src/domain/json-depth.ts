/**
 * How deeply a JSON text nests, found by scanning it (no recursion, no parse),
 * so hostile bodies are refused before they reach JSON.parse, structured
 * clone or a recursive walk.
 */

/** The deepest nesting of arrays/objects in `text` (strings are skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** JSON nested deeper than this is refused (far beyond any real payload). */
export const MAX_JSON_DEPTH = 128;
