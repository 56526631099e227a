/** The CommonJS runner of clients/lazy-features.cjs: `require` of the packages' .cjs builds. Args: <config JSON>. */
"use strict";
const alpaca = require("@brokerkit/alpaca");
const saxo = require("@brokerkit/saxo");
const features = require("./lazy-features.cjs");

features.run({ alpaca, saxo }, JSON.parse(process.argv[2])).then((outcome) => {
  console.log(JSON.stringify(outcome));
});
