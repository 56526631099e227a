/**
 * Loads every entry named in argv[2] (JSON array) with `require` and with `import`, and prints, per
 * entry, the export names each way (or the error). CommonJS, so that `require` is the real one.
 */
"use strict";

async function main() {
  const entries = JSON.parse(process.argv[2]);
  const results = {};
  for (const entry of entries) {
    const result = {};
    try {
      result.require = Object.keys(require(entry)).sort();
    } catch (error) {
      result.requireError = `${error.code || error.name}: ${error.message.split("\n")[0]}`;
    }
    try {
      result.import = Object.keys(await import(entry))
        .filter((name) => name !== "default" && name !== "module.exports")
        .sort();
    } catch (error) {
      result.importError = `${error.code || error.name}: ${error.message.split("\n")[0]}`;
    }
    result.format = { require: describe(() => require.resolve(entry)) };
    results[entry] = result;
  }
  console.log(JSON.stringify(results));
}

function describe(resolve) {
  try {
    return resolve().replace(/^.*\/dist\//, "dist/");
  } catch (error) {
    return `unresolved: ${error.code}`;
  }
}

main();
