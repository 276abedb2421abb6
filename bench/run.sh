#!/usr/bin/env bash
# The benchmark in one command: gets a nats-server >= 2.12 (scripts/ensure-nats-server.sh), then
# builds and runs bench/OrderHost.Bench in Release. It starts its own nats-server per run on a free
# 127.0.0.1 port with a temporary store (unless --nats-url), and writes JSON + Markdown into
# bench/results/. Arguments go to the benchmark: bench/run.sh --quick, bench/run.sh --help.
# Building the benchmark also builds src/Host (a project reference) into src/Host/bin/Release/net10.0/, with its
# runtimeconfig.json and appsettings.json: what --host-process runs as a separate process.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

NATS_SERVER_BIN="$(scripts/ensure-nats-server.sh)"
export NATS_SERVER_BIN
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

exec dotnet run -c Release --project bench/OrderHost.Bench -- "$@"
