#!/usr/bin/env bash
# Regenerates schemas/*.schema.json and schemas/asyncapi.json from the event contracts and subscription tables (after an intended contract change);
# review the diff before committing. The test suite fails whenever the two drift apart.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
UPDATE_SCHEMAS=1 dotnet test tests/OrderHost.Tests -c Release -nologo --filter "FullyQualifiedName~EventSchemaTests|FullyQualifiedName~AsyncApiDocumentTests"
git status --short schemas/
