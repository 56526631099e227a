/** The CommonJS runner: `require` of each broker entry. Args: <broker> <config JSON>. */
"use strict";
const alor = require("@brokerkit/alor");
const alpacaTrading = require("@brokerkit/alpaca/trading");
const saxo = require("@brokerkit/saxo");
const scenarios = require("./scenarios.cjs");

const [broker, config] = process.argv.slice(2);
scenarios.run(broker, { alor, alpacaTrading, saxo }, JSON.parse(config)).then((outcome) => {
  console.log(JSON.stringify(outcome));
});
