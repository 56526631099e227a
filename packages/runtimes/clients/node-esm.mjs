/** The ESM runner (Node, Bun, Deno): `import` of each broker entry. Args: <broker> <config JSON>. */
import * as alor from "@brokerkit/alor";
import * as alpacaTrading from "@brokerkit/alpaca/trading";
import * as saxo from "@brokerkit/saxo";
import scenarios from "./scenarios.cjs";

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const outcome = await scenarios.run(args[0], { alor, alpacaTrading, saxo }, JSON.parse(args[1]));
console.log(JSON.stringify(outcome));
