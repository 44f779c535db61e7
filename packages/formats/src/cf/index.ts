export { numberAttr, numberListAttr, stringAttr } from "./attrs.js";
export {
  cfEncoding,
  decodeValues,
  decodeVariable,
  decodeVariableFloat32,
  type CfDecodeOptions,
  type CfEncoding,
  type DecodedValues,
} from "./decode.js";
export {
  CF_CALENDARS,
  dateToDays,
  daysToDate,
  decodeTimes,
  encodeTime,
  formatIso,
  isTimeUnits,
  normalizeCalendar,
  parseTimeUnits,
  type CfCalendar,
  type CivilDate,
  type TimeUnits,
} from "./time.js";
export { decodeOptionsFor, readDecoded, readDecodedFloat32, type DecodedArray } from "./read.js";
