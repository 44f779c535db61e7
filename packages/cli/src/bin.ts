import { main } from "./main.js";

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit once stdout and stderr have flushed, even when a library leaves a handle open (the HDF5 reader's worker
// keeps a MessagePort referenced through its captured stdio), so a finished command never hangs.
let unflushed = 2;
const flushed = () => {
  if (--unflushed === 0) process.exit(code);
};
process.stdout.write("", flushed);
process.stderr.write("", flushed);
