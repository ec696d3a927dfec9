// validate.mjs DOC: DOC against the OpenAPI specification its "openapi"
// names (the specification's JSON Schema, then the checks a schema cannot
// make: $refs that resolve, unique operationIds, path parameters that are
// declared).  Prints "ok" or each error; exits 0 only when it is valid.
import SwaggerParser from "@apidevtools/swagger-parser";

const doc = process.argv[2];
try {
	const api = await SwaggerParser.validate(doc);
	console.log(`ok: ${doc} is valid OpenAPI ${api.openapi}`);
} catch (e) {
	console.log(`not valid: ${e.message}`);
	process.exit(1);
}
