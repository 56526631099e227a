/**
 * Compares the broker's schema with ours, field by field. Field paths read like the data:
 * `legs[].qty` (array items), `{}` (a map's values), `@1` (oneOf/anyOf variant 1, in the broker's order).
 */
import type { Shape } from "./shape.js";
import type { Area, ShapeCode } from "./types.js";

/** Receives one difference; `rel` is the field path below the compared value ("" for the value itself). */
export type ShapeEmit = (code: ShapeCode, rel: string, upstream?: string, ours?: string) => void;

export function compareShapes(area: Area, up: Shape, ours: Shape, emit: ShapeEmit, rel = ""): void {
  const code = <K extends string>(kind: K) => (rel ? `${area}.field.${kind}` : `${area}.${kind}`) as ShapeCode;
  if (up.types.join() !== ours.types.join()) emit(code("type"), rel, typeText(up), typeText(ours));
  if (up.nullable !== ours.nullable) emit(code("nullable"), rel, nullText(up), nullText(ours));
  if (up.enum || ours.enum) {
    const onlyUp = [...(up.enum ?? [])].filter((v) => !ours.enum?.has(v));
    const onlyOurs = [...(ours.enum ?? [])].filter((v) => !up.enum?.has(v));
    if (!up.enum || !ours.enum || onlyUp.length || onlyOurs.length)
      emit(code("enum"), rel, enumText(up.enum, onlyUp, !!ours.enum), enumText(ours.enum, onlyOurs, !!up.enum));
  }
  if (up.truncated || ours.truncated) return;

  // A plain schema against a oneOf/anyOf is a set of one variant: pair it with the closest variant,
  // and report the others, rather than comparing its fields with the union's (which has none).
  if (!up.variants.length !== !ours.variants.length) {
    compareVariants(
      area,
      up.variants.length ? up.variants : [up],
      ours.variants.length ? ours.variants : [ours],
      emit,
      rel,
    );
    return;
  }
  for (const [name, field] of up.properties) {
    const path = join(rel, name);
    const mine = ours.properties.get(name);
    if (!mine) {
      emit(`${area}.field.missing`, path, describe(field, up.required.has(name)));
      continue;
    }
    const required = up.required.has(name);
    if (required !== ours.required.has(name))
      emit(`${area}.field.required`, path, requiredText(required), requiredText(!required));
    compareShapes(area, field, mine, emit, path);
  }
  for (const [name, field] of ours.properties) {
    if (!up.properties.has(name))
      emit(`${area}.field.extra`, join(rel, name), undefined, describe(field, ours.required.has(name)));
  }
  if (up.items && ours.items) compareShapes(area, up.items, ours.items, emit, `${rel}[]`);
  if (up.additional && ours.additional) compareShapes(area, up.additional, ours.additional, emit, `${rel}{}`);
  else if (up.additional) emit(`${area}.field.missing`, `${rel}{}`, describe(up.additional));
  else if (ours.additional) emit(`${area}.field.extra`, `${rel}{}`, undefined, describe(ours.additional));

  compareVariants(area, up.variants, ours.variants, emit, rel);
}

function compareVariants(area: Area, up: Shape[], ours: Shape[], emit: ShapeEmit, rel: string): void {
  const code = (kind: "variant.missing" | "variant.extra"): ShapeCode =>
    rel ? `${area}.field.${kind}` : `${area}.${kind}`;
  const { pairs, missing, extra } = matchVariants(up, ours);
  for (const [i, j] of pairs) compareShapes(area, up[i] as Shape, ours[j] as Shape, emit, `${rel}@${i}`);
  for (const i of missing) emit(code("variant.missing"), `${rel}@${i}`, describe(up[i] as Shape));
  for (const j of extra) emit(code("variant.extra"), `${rel}@${j}`, undefined, describe(ours[j] as Shape));
}

/**
 * Pairs the broker's variants with ours by likeness: same types first, then a matching tag (a field
 * with a single enum value, as discriminated unions have), the same schema name, shared field names.
 * Variant names differ between specs, so they are a hint, never required.
 */
export function matchVariants(
  up: Shape[],
  ours: Shape[],
): { pairs: [number, number][]; missing: number[]; extra: number[] } {
  const candidates: { i: number; j: number; score: number }[] = [];
  up.forEach((a, i) => {
    ours.forEach((b, j) => {
      const score = likeness(a, b);
      if (score > 0) candidates.push({ i, j, score });
    });
  });
  candidates.sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j);
  const usedUp = new Set<number>();
  const usedOurs = new Set<number>();
  const pairs: [number, number][] = [];
  for (const { i, j } of candidates) {
    if (usedUp.has(i) || usedOurs.has(j)) continue;
    usedUp.add(i);
    usedOurs.add(j);
    pairs.push([i, j]);
  }
  pairs.sort((x, y) => x[0] - y[0]);
  return {
    pairs,
    missing: up.map((_, i) => i).filter((i) => !usedUp.has(i)),
    extra: ours.map((_, j) => j).filter((j) => !usedOurs.has(j)),
  };
}

function likeness(a: Shape, b: Shape): number {
  if (a.types.join() !== b.types.join()) return 0;
  let score = 0.1;
  for (const [name, field] of a.properties) {
    const other = b.properties.get(name);
    if (field.enum?.size !== 1 || other?.enum?.size !== 1) continue;
    // A tag that differs says "not the same variant" more surely than anything else agrees.
    if ([...field.enum][0] === [...other.enum][0]) score += 4;
    else return 0;
  }
  if (a.name && a.name === b.name) score += 1;
  const names = new Set([...a.properties.keys(), ...b.properties.keys()]);
  if (names.size) score += [...a.properties.keys()].filter((n) => b.properties.has(n)).length / names.size;
  return score;
}

function join(rel: string, name: string): string {
  const segment = /^[\w$-]+$/.test(name) ? name : JSON.stringify(name);
  return rel ? `${rel}.${segment}` : segment;
}

export function typeText(shape: Shape): string {
  return shape.types.length ? shape.types.join(" | ") : "any";
}

/** One line for a field or variant that only one side has, e.g. `object Order, required`. */
export function describe(shape: Shape, required?: boolean): string {
  const parts = [
    shape.name ? `${typeText(shape)} ${shape.name}` : typeText(shape),
    ...(shape.nullable ? ["nullable"] : []),
    ...(shape.enum ? [`enum ${shortList([...shape.enum])}`] : []),
    ...(required === undefined ? [] : [requiredText(required)]),
  ];
  return parts.join(", ");
}

function nullText(shape: Shape): string {
  return shape.nullable ? "nullable" : "not nullable";
}

function requiredText(required: boolean): string {
  return required ? "required" : "optional";
}

/** The values only this side has; the whole enum when the other side has none. */
function enumText(values: Set<string> | undefined, only: string[], otherHasEnum: boolean): string {
  if (!values) return "no enum";
  if (!otherHasEnum) return `enum ${[...values].join(", ")}`;
  return only.length ? `only here: ${only.join(", ")}` : "no other values";
}

/** A field that is missing altogether needs its values named, not all listed: the field is the news. */
function shortList(values: string[], max = 8): string {
  return values.length > max ? `${values.slice(0, max).join(", ")}, … (${values.length} values)` : values.join(", ");
}
