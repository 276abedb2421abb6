#!/usr/bin/env bash
# Quick start, second command: get a nats-server >= 2.12 (the tests start their own copies on free
# loopback ports), build, and run the whole NUnit suite. Extra arguments go to `dotnet test`,
# e.g. scripts/test.sh --filter "FullyQualifiedName~Integration".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

NATS_SERVER_BIN="$(scripts/ensure-nats-server.sh)"
export NATS_SERVER_BIN
echo "test: using $("$NATS_SERVER_BIN" --version) at $NATS_SERVER_BIN" >&2

# The pinned .NET tools (.config/dotnet-tools.json): Kiota, which a test generates a client with.
dotnet tool restore

rm -rf TestResults
dotnet test OrderHost.sln -c Release -nologo \
  --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=results.trx" \
  --results-directory TestResults \
  "$@"
