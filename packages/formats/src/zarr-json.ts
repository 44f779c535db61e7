/**
 * Zarr metadata as Python writes it. zarr-python serialises attributes with `json.dumps`, whose default
 * `allow_nan=True` writes the bare tokens `NaN`, `Infinity` and `-Infinity` (so do xarray and GDAL through
 * it). They are not JSON, but every Python reader accepts them, so a store holding them is a valid store.
 */

const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

/** JSON.parse, plus Python's NaN / Infinity / -Infinity tokens outside strings (as numbers). */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (strictError) {
    const { json, marker, found } = markNonFinite(text);
    if (!found) throw strictError;
    return JSON.parse(json, (_key, value) =>
      typeof value === "string" && value.startsWith(marker) ? NON_FINITE[value.slice(marker.length)] : value,
    );
  }
}

/**
 * Replaces each bare non-finite token by a string `marker + token`; the marker holds a character that
 * no JSON text can carry unescaped inside a string (U+0001), so no real string value is mistaken for one.
 */
function markNonFinite(text: string): { json: string; marker: string; found: boolean } {
  const marker = "\u0001fieldbench-non-finite:";
  const escapedMarker = "\\u0001fieldbench-non-finite:";
  let out = "";
  let found = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const token = ["-Infinity", "Infinity", "NaN"].find((t) => text.startsWith(t, i));
    if (token !== undefined && !/[\w.]/.test(text[i - 1] ?? "")) {
      out += `"${escapedMarker}${token}"`;
      found = true;
      i += token.length;
      continue;
    }
    out += ch;
    i++;
  }
  return { json: out, marker, found };
}

/** Index just past the closing quote of the string starting at `start` (or the end of an unterminated one). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\") i += 2;
    else if (ch === '"') return i + 1;
    else i++;
  }
  return text.length;
}

/** Metadata bytes in strict JSON (non-finite numbers as null), for readers that only take strict JSON. */
export function strictJsonBytes(bytes: Uint8Array): Uint8Array {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  try {
    JSON.parse(text);
    return bytes;
  } catch {
    return new TextEncoder().encode(JSON.stringify(parsePythonJson(text)));
  }
}
