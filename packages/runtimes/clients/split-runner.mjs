/**
 * The ESM runner of clients/lazy-features.cjs that test/lazy-modules.test.ts bundles with esbuild's code
 * splitting, as an app would: the packages' lazily imported modules land in chunks of their own, which
 * these calls must load. Args: <config JSON>.
 */
import * as alpaca from "@brokerkit/alpaca";
import * as saxo from "@brokerkit/saxo";
import features from "./lazy-features.cjs";

const outcome = await features.run({ alpaca, saxo }, JSON.parse(process.argv[2]));
console.log(JSON.stringify(outcome));
