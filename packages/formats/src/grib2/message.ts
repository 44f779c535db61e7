import { FieldbenchError, checkAllocation } from "@fieldbench/core";
import { type Grib2Geometry, type Grib2Grid, parseGrid } from "./grid.js";
import { isAllOnes, s8, s32, u8, u16, u32, u64 } from "./octets.js";
import { CENTRES, PACKING_TYPES, parameterName, typeOfLevel } from "./tables.js";

/** Random access to the bytes of a file (or a buffer in tests and fuzzing). */
export type { Grib2Grid } from "./grid.js";

export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What `inspect` shows per message (docs/cli.md: the `grib2` block). */
export interface Grib2MessageSummary {
  readonly shortName: string;
  readonly typeOfLevel: string;
  readonly level: number;
  readonly dataDate: number;
  readonly dataTime: number;
  readonly stepRange: string;
  readonly packingType: string;
  readonly grid: Grib2Grid;
}

/** One field: the sections that describe it and where its bitmap and data lie in the file. */
export interface Grib2Field {
  readonly index: number;
  readonly messageIndex: number;
  readonly summary: Grib2MessageSummary;
  readonly name: string;
  readonly units: string;
  readonly centre: string;
  readonly discipline: number;
  readonly parameterCategory: number;
  readonly parameterNumber: number;
  readonly productDefinitionTemplateNumber: number;
  readonly perturbationNumber?: number;
  /** Shape of the decoded field and the number of values it holds (see grid.ts). */
  readonly geometry: Grib2Geometry;
  /** Section 5 bytes (the data representation template and its parameters). */
  readonly section5: Uint8Array;
  readonly dataRepresentationTemplateNumber: number;
  readonly numberOfValues: number;
  /** Section 6: 255 none, 0 bitmap at bitmapOffset, 254 the previous bitmap of this message. */
  readonly bitmap?: { readonly offset: number; readonly length: number };
  readonly data: { readonly offset: number; readonly length: number };
}

const SECTION0_BYTES = 16;
/** Sections 1-5 are small; a larger declared length is a corrupt file, not a reason to allocate. */
const MAX_METADATA_SECTION = 1 << 20;

function corrupt(path: string, message: number, problem: string): FieldbenchError {
  return new FieldbenchError("CORRUPT_FILE", `${path}: GRIB2 message ${message} ${problem}`, { path });
}

/** Walks the file message by message, reading sections 0-6 headers; data sections are only located. */
export async function scanGrib2(source: ByteSource, path: string): Promise<Grib2Field[]> {
  const fields: Grib2Field[] = [];
  let offset = 0;
  let messageIndex = 0;
  while (offset < source.size) {
    if (source.size - offset < SECTION0_BYTES) {
      if (messageIndex > 0 && isPadding(await source.read(offset, source.size - offset))) break;
      throw corrupt(
        path,
        messageIndex,
        `is cut short: ${source.size - offset} bytes left where a 16-byte indicator section is needed`,
      );
    }
    const s0 = await source.read(offset, SECTION0_BYTES);
    if (!(s0[0] === 0x47 && s0[1] === 0x52 && s0[2] === 0x49 && s0[3] === 0x42)) {
      if (messageIndex > 0 && isPadding(s0)) break;
      throw corrupt(path, messageIndex, `does not start with "GRIB" at byte ${offset}`);
    }
    const edition = u8(s0, 7);
    if (edition !== 2) {
      throw new FieldbenchError(
        "UNSUPPORTED",
        `${path}: message ${messageIndex} is GRIB edition ${edition}; fieldbench reads GRIB2 only`,
        { path },
      );
    }
    const total = u64(s0, 8);
    if (total < SECTION0_BYTES + 4 || offset + total > source.size) {
      throw corrupt(
        path,
        messageIndex,
        `is cut short: it declares ${total} bytes but ${source.size - offset} remain from byte ${offset}`,
      );
    }
    const discipline = u8(s0, 6);
    await scanMessage(source, path, offset, total, messageIndex, discipline, fields);
    offset += total;
    messageIndex++;
  }
  if (fields.length === 0) throw new FieldbenchError("CORRUPT_FILE", `${path}: holds no GRIB2 message`, { path });
  return fields;
}

function isPadding(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0 || b === 0x0a);
}

async function scanMessage(
  source: ByteSource,
  path: string,
  start: number,
  total: number,
  messageIndex: number,
  discipline: number,
  fields: Grib2Field[],
): Promise<void> {
  const end = start + total;
  let pos = start + SECTION0_BYTES;
  let s1: Uint8Array | undefined;
  let s3: Uint8Array | undefined;
  let s4: Uint8Array | undefined;
  let s5: Uint8Array | undefined;
  let bitmap: { offset: number; length: number } | undefined;
  let bitmapIndicator = 255;
  let sawEnd = false;
  while (pos < end) {
    if (end - pos >= 4) {
      const marker = await source.read(pos, 4);
      if (marker[0] === 0x37 && marker[1] === 0x37 && marker[2] === 0x37 && marker[3] === 0x37) {
        sawEnd = true;
        break;
      }
    }
    if (end - pos < 5) throw corrupt(path, messageIndex, `is cut short at byte ${pos}: a section header needs 5 bytes`);
    const head = await source.read(pos, 5);
    const length = u32(head, 0);
    const number = u8(head, 4);
    if (length < 5 || pos + length > end) {
      throw corrupt(
        path,
        messageIndex,
        `is cut short: section ${number} at byte ${pos} declares ${length} bytes but the message ends at byte ${end}`,
      );
    }
    if (number >= 1 && number <= 5 && length > MAX_METADATA_SECTION) {
      throw corrupt(
        path,
        messageIndex,
        `section ${number} declares ${length} bytes, more than a metadata section holds`,
      );
    }
    switch (number) {
      case 1:
        s1 = await source.read(pos, length);
        if (length < 21)
          throw corrupt(path, messageIndex, `section 1 is ${length} bytes, shorter than its 21 fixed octets`);
        break;
      case 2:
        break;
      case 3:
        s3 = await source.read(pos, length);
        if (length < 14)
          throw corrupt(path, messageIndex, `section 3 is ${length} bytes, shorter than its 14 fixed octets`);
        break;
      case 4:
        s4 = await source.read(pos, length);
        if (length < 11)
          throw corrupt(path, messageIndex, `section 4 is ${length} bytes, shorter than its fixed octets`);
        break;
      case 5:
        s5 = await source.read(pos, length);
        if (length < 11)
          throw corrupt(path, messageIndex, `section 5 is ${length} bytes, shorter than its 11 fixed octets`);
        break;
      case 6: {
        if (length < 6) throw corrupt(path, messageIndex, "section 6 has no bitmap indicator");
        bitmapIndicator = u8(await source.read(pos + 5, 1), 0);
        if (bitmapIndicator === 0) bitmap = { offset: pos + 6, length: length - 6 };
        else if (bitmapIndicator === 255) bitmap = undefined;
        else if (bitmapIndicator !== 254) {
          throw new FieldbenchError(
            "UNSUPPORTED",
            `${path}: message ${messageIndex} uses predefined bitmap ${bitmapIndicator}, which fieldbench does not decode`,
            { path },
          );
        } else if (bitmap === undefined) {
          throw corrupt(path, messageIndex, "refers to a previous bitmap (indicator 254) but none was defined");
        }
        break;
      }
      case 7: {
        if (s1 === undefined || s3 === undefined || s4 === undefined || s5 === undefined) {
          throw corrupt(
            path,
            messageIndex,
            "has a data section before its identification, grid, product or data representation section",
          );
        }
        fields.push(
          describeField({
            path,
            index: fields.length,
            messageIndex,
            discipline,
            s1,
            s3,
            s4,
            s5,
            ...(bitmapIndicator === 255 || bitmap === undefined ? {} : { bitmap }),
            data: { offset: pos + 5, length: length - 5 },
          }),
        );
        break;
      }
      default:
        throw corrupt(path, messageIndex, `has an unknown section number ${number} at byte ${pos}`);
    }
    pos += length;
  }
  if (!sawEnd) throw corrupt(path, messageIndex, `is cut short: no end section "7777" before byte ${end}`);
}

interface FieldParts {
  path: string;
  index: number;
  messageIndex: number;
  discipline: number;
  s1: Uint8Array;
  s3: Uint8Array;
  s4: Uint8Array;
  s5: Uint8Array;
  bitmap?: { offset: number; length: number };
  data: { offset: number; length: number };
}

function describeField(parts: FieldParts): Grib2Field {
  const { path, messageIndex, s1, s3, s4, s5 } = parts;
  const geometry = parseGrid(s3, path, messageIndex);
  const grid = geometry.grid;
  const product = parseProduct(s4);
  const names = parameterName({
    centre: u16(s1, 5),
    discipline: parts.discipline,
    category: product.category,
    number: product.number,
    ...(product.surface === undefined ? {} : { surface: product.surface }),
    ...(product.levelValue === undefined ? {} : { level: product.levelValue }),
    ...(product.secondSurface === undefined ? {} : { secondSurface: product.secondSurface }),
  });
  const template = u16(s5, 9);
  const numberOfValues = u32(s5, 5);
  const points = geometry.points;
  if (numberOfValues > points) {
    throw corrupt(path, messageIndex, `declares ${numberOfValues} packed values for a grid of ${points} points`);
  }
  if (parts.bitmap === undefined && numberOfValues !== points) {
    throw corrupt(
      path,
      messageIndex,
      `declares ${numberOfValues} packed values without a bitmap for a grid of ${points} points`,
    );
  }
  if (parts.bitmap !== undefined && parts.bitmap.length < Math.ceil(points / 8)) {
    throw corrupt(path, messageIndex, `has a bitmap of ${parts.bitmap.length} bytes for ${points} points`);
  }
  const year = u16(s1, 12);
  const summary: Grib2MessageSummary = {
    shortName: names.shortName,
    typeOfLevel: product.typeOfLevel,
    level: product.level,
    dataDate: year * 10000 + u8(s1, 14) * 100 + u8(s1, 15),
    dataTime: u8(s1, 16) * 100 + u8(s1, 17),
    stepRange: product.stepRange,
    packingType: PACKING_TYPES[template] ?? `template_5.${template}`,
    grid,
  };
  const centre = u16(s1, 5);
  return {
    index: parts.index,
    messageIndex,
    summary,
    name: names.name,
    units: names.units,
    centre: CENTRES[centre] ?? String(centre),
    discipline: parts.discipline,
    parameterCategory: product.category,
    parameterNumber: product.number,
    productDefinitionTemplateNumber: product.template,
    ...(product.perturbationNumber === undefined ? {} : { perturbationNumber: product.perturbationNumber }),
    geometry,
    section5: s5,
    dataRepresentationTemplateNumber: template,
    numberOfValues,
    ...(parts.bitmap === undefined ? {} : { bitmap: parts.bitmap }),
    data: parts.data,
  };
}

interface Product {
  template: number;
  category: number;
  number: number;
  surface?: number;
  secondSurface?: number;
  levelValue?: number;
  level: number;
  typeOfLevel: string;
  stepRange: string;
  perturbationNumber?: number;
}

/** Product templates 4.0, 4.1, 4.8 and 4.11 fully; others give the parameter only. */
function parseProduct(s4: Uint8Array): Product {
  const template = u16(s4, 7);
  const category = u8(s4, 9);
  const number = u8(s4, 10);
  if (![0, 1, 8, 11].includes(template) || s4.length < 34) {
    return { template, category, number, level: 0, typeOfLevel: "unknown", stepRange: "0" };
  }
  const timeUnit = u8(s4, 17);
  const forecastTime = u32(s4, 18);
  const surface = u8(s4, 22);
  const secondSurface = u8(s4, 28);
  const levelValue = surfaceValue(s8(s4, 23), s32(s4, 24), u32(s4, 24));
  const pressure = surface === 100 ? levelValue : undefined;
  const typeName = typeOfLevel(surface, secondSurface === 255 ? undefined : secondSurface, pressure);
  const level = levelValue === undefined ? 0 : typeName === "isobaricInhPa" ? levelValue / 100 : levelValue;
  const start = toHours(forecastTime, timeUnit);
  let stepRange = start;
  if ((template === 8 && s4.length >= 58) || (template === 11 && s4.length >= 61)) {
    const shift = template === 11 ? 3 : 0;
    const length = toHours(u32(s4, 49 + shift), u8(s4, 48 + shift));
    const startNumber = Number(start);
    const lengthNumber = Number(length);
    stepRange =
      Number.isFinite(startNumber) && Number.isFinite(lengthNumber)
        ? `${start}-${startNumber + lengthNumber}`
        : `${start}-${length}`;
  }
  const ensemble = (template === 1 || template === 11) && s4.length >= 37;
  return {
    template,
    category,
    number,
    surface,
    ...(secondSurface === 255 ? {} : { secondSurface }),
    ...(levelValue === undefined ? {} : { levelValue }),
    level,
    typeOfLevel: typeName,
    stepRange,
    ...(ensemble ? { perturbationNumber: u8(s4, 35) } : {}),
  };
}

function surfaceValue(scaleFactor: number, scaled: number, raw: number): number | undefined {
  if (isAllOnes(raw, 4)) return undefined;
  const value = scaled / 10 ** scaleFactor;
  return Math.round(value * 1e9) / 1e9;
}

/** Code table 4.4 units to hours, as eccodes prints stepRange with stepUnits=h; other units keep a suffix. */
function toHours(value: number, unit: number): string {
  const hours: Record<number, number> = { 1: 1, 2: 24, 10: 3, 11: 6, 12: 12 };
  const factor = hours[unit];
  if (factor !== undefined) return String(value * factor);
  if (unit === 0) return value % 60 === 0 ? String(value / 60) : `${value}m`;
  if (unit === 13) return value % 3600 === 0 ? String(value / 3600) : `${value}s`;
  return `${value}(unit${unit})`;
}
