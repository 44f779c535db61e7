import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";

/** sha256 of a file, streamed in chunks so a 60 GB split never has to fit in memory. Hex digest. */
export async function sha256File(path: string): Promise<string> {
  return sha256Files([path]);
}

/** sha256 of the files' bytes one after another (shards of one blob), streamed like sha256File. Hex digest. */
export async function sha256Files(paths: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const path of paths) {
    for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) {
      hash.update(chunk as Buffer);
    }
  }
  return hash.digest("hex");
}

export function sha256Bytes(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Incremental sha256 over many buffers (typed arrays are hashed by their bytes). */
export function createSha256(): { update(data: ArrayBufferView | string): void; digest(): string } {
  const hash: Hash = createHash("sha256");
  return {
    update(data) {
      if (typeof data === "string") hash.update(data);
      else hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    },
    digest: () => hash.digest("hex"),
  };
}
