#!/usr/bin/env node
// `brokerkit-sim [alor] [alpaca] [saxo]`: see ../simulators-cli.ts.
import { main } from "../simulators-cli.js";

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`brokerkit-sim: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
