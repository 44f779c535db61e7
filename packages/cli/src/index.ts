export { buildProgram, main } from "./main.js";
export { printJson, printLine, processIo, type CliIo } from "./io.js";
export { VERSION } from "./version.js";
