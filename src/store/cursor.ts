/** Opaque list cursors: base64url JSON of [number, string]. */
import { AppError } from "../errors";

export type Cursor = [number, string];

export function encodeCursor(c: Cursor): string {
  return btoa(JSON.stringify(c)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes a cursor this API returned; 400 for anything else; null when absent. */
export function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  try {
    const v = JSON.parse(atob(s.replace(/-/g, "+").replace(/_/g, "/")));
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === "string") return v as Cursor;
  } catch {
    /* fall through */
  }
  throw new AppError(400, "invalid_cursor", "The cursor is not one this API returned");
}
