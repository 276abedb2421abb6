// Usage: node validate.mjs openapi|asyncapi FILE. Prints what the validator says; exits 1 on any error.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const [kind, file] = process.argv.slice(2);
const text = await readFile(file, "utf8");

if (kind === "openapi") {
  const SwaggerParser = require("@apidevtools/swagger-parser");
  try {
    await SwaggerParser.validate(JSON.parse(text));
    console.log("swagger-parser: valid");
  } catch (error) {
    console.log(`swagger-parser: ${error.message}`);
    process.exit(1);
  }
} else if (kind === "asyncapi") {
  const { Parser } = require("@asyncapi/parser");
  const { diagnostics } = await new Parser().parse(text);
  // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
  for (const d of diagnostics) {
    console.log(`asyncapi-parser: severity ${d.severity} ${d.code} at ${d.path.join(".")}: ${d.message}`);
  }
  if (diagnostics.some((d) => d.severity === 0)) {
    process.exit(1);
  }
  console.log("asyncapi-parser: valid");
} else {
  console.log(`unknown kind '${kind}'`);
  process.exit(2);
}
