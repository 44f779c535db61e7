import { readFile } from "node:fs/promises";
import { FieldbenchError } from "@fieldbench/core";
import type { FormatReader, OpenFile } from "@fieldbench/formats";

/**
 * A format made up for the registry test, everything a reader needs in one file. A ".toy" file is text:
 *   TOY1
 *   <name> <rows> <cols> <scale_factor>
 *   <rows * cols int16 values>
 */
export const reader: FormatReader = {
  format: "toy",
  sniff: (probe) => !probe.isDirectory && new TextDecoder().decode(probe.head.subarray(0, 5)) === "TOY1\n",
  open: openToy,
};

async function openToy(path: string): Promise<OpenFile> {
  const [, header = "", body = ""] = (await readFile(path, "utf8")).split("\n");
  const [name = "", rows, cols, scale] = header.split(" ");
  const shape = [Number(rows), Number(cols)];
  const values = Int16Array.from(body.trim().split(/\s+/), Number);
  if (values.length !== shape[0]! * shape[1]!) {
    throw new FieldbenchError("CORRUPT_FILE", `${path}: ${values.length} values for shape [${shape.join(", ")}]`);
  }
  return {
    format: "toy",
    path,
    dims: { y: shape[0]!, x: shape[1]! },
    attrs: { title: "toy" },
    variables: [{ name, dtype: "int16", shape, dims: ["y", "x"], attrs: { scale_factor: Number(scale) } }],
    read: async () => ({ dtype: "int16", shape, data: values }),
    close: async () => {},
  };
}
