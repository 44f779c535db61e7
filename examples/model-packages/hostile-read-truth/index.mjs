// Hostile: tries to read the ground truth of the CI split (the HR test fields) to "predict" it perfectly.
import { readFileSync } from "node:fs";

const truth = new URL("../../../datasets/embedded/nskt_mini/test_1/nskt_mini.h5", import.meta.url);

export function createModel() {
  const stolen = readFileSync(truth); // the sandbox refuses: ERR_ACCESS_DENIED
  return {
    name: "hostile-read-truth",
    version: "0.0.1",
    parameters: 0,
    integrity: String(stolen.length),
    predict: async () => new Float32Array(0),
  };
}
