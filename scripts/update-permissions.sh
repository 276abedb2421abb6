#!/usr/bin/env bash
# Regenerates deploy/nats/permissions.conf from the modules' declarations (after adding a module or changing what one
# publishes, reads, stores or consumes); review the diff before committing. The test suite fails whenever they drift apart.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
UPDATE_SHIPPED=1 dotnet test tests/OrderHost.Tests -c Release -nologo --filter "FullyQualifiedName~ShippedPermissionsDriftTests"
git status --short deploy/nats/
