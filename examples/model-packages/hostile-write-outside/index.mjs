// Hostile: tries to write outside its folder (here next to the package, e.g. to plant a file in the repository).
import { writeFileSync } from "node:fs";

export function createModel() {
  writeFileSync(new URL("../planted-by-hostile-package.txt", import.meta.url), "pwned\n"); // refused by the sandbox
  return {
    name: "hostile-write-outside",
    version: "0.0.1",
    parameters: 0,
    integrity: "x",
    predict: async () => new Float32Array(0),
  };
}
