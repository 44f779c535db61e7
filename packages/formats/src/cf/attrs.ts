import type { AttrValue, Attrs } from "@fieldbench/core";

/** A numeric attribute as a number (first element of an array attribute), or undefined. */
export function numberAttr(attrs: Attrs, key: string): number | undefined {
  const value = attrs[key];
  const first: AttrValue | undefined = Array.isArray(value) ? (value as readonly AttrValue[])[0] : value;
  if (typeof first === "number") return first;
  if (typeof first === "bigint") return Number(first);
  return undefined;
}

/** All numeric values of an attribute (missing_value and valid_range may hold several). */
export function numberListAttr(attrs: Attrs, key: string): number[] {
  const value = attrs[key];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? (value as readonly AttrValue[]) : [value];
  return list.flatMap((v) => (typeof v === "number" ? [v] : typeof v === "bigint" ? [Number(v)] : []));
}

export function stringAttr(attrs: Attrs, key: string): string | undefined {
  const value = attrs[key];
  if (typeof value === "string") return value;
  if (Array.isArray(value) && typeof value[0] === "string") return value.join("");
  return undefined;
}
