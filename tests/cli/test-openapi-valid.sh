#!/bin/sh
# test-openapi-valid.sh: docs/openapi.json is a valid OpenAPI document, by
# a validator of the specification's own (@apidevtools/swagger-parser,
# tests/openapi/, installed by scripts/install-deps.sh test): what
# test-serve-openapi checks against the server means little if the tools
# that read the document refuse it.
. "$TESTS/cli/lib.sh"

if [ ! -d "$TESTS/openapi/node_modules/@apidevtools/swagger-parser" ]; then
	not_ok openapi_validator_installed "run scripts/install-deps.sh test (npm ci in tests/openapi)"
	exit 0
fi
if ! command -v node > /dev/null 2>&1; then
	not_ok openapi_validator_runs "no node (scripts/install-deps.sh test)"
	exit 0
fi
check openapi_valid 0 node "$TESTS/openapi/validate.mjs" "$TESTS/../docs/openapi.json"
expect openapi_valid_said "^ok: .* is valid OpenAPI 3\.0\.3" "$T/out"
# The validator refuses what it must: a Media Type Object's description.
sed 's/"x-description": "with cli=1"/"description": "with cli=1"/' \
    "$TESTS/../docs/openapi.json" > "$T/bad.json"
check openapi_invalid_refused 1 node "$TESTS/openapi/validate.mjs" "$T/bad.json"
expect openapi_invalid_named "must NOT have additional properties" "$T/out"
