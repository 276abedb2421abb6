#!/usr/bin/env bash
# Quick start, first command: get a nats-server >= 2.12, start it with nats-server.conf (store in
# .data/nats), then build and run the host with all modules on http://localhost:8080.
# Ctrl-C (or a TERM to this script) stops the host gracefully, then the server. Extra arguments go to the host.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

server="$(scripts/ensure-nats-server.sh)"
mkdir -p .data/nats
if port_open 4222; then
  echo "run: something already listens on 127.0.0.1:4222; using it as the NATS server" >&2
else
  # Its own session: Ctrl-C reaches only the host, which then settles in-flight messages while the
  # server still runs; the trap stops the server after the host has exited.
  setsid "$server" -c nats-server.conf >.data/nats-server.log 2>&1 &
  nats_pid=$!
  trap 'kill -TERM "$nats_pid" 2>/dev/null && wait "$nats_pid" 2>/dev/null; echo "run: nats-server stopped" >&2' EXIT
  for _ in $(seq 1 50); do port_open 4222 && break; sleep 0.2; done
  port_open 4222 || { echo "run: nats-server did not start; see .data/nats-server.log" >&2; exit 1; }
  echo "run: $("$server" --version) on nats://127.0.0.1:4222 (monitoring http://127.0.0.1:8222), log .data/nats-server.log" >&2
fi

export Nats__Url="${Nats__Url:-nats://127.0.0.1:4222}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:8080}"
dotnet build src/Host -c Release -nologo -v quiet
echo "run: OrderHost on $ASPNETCORE_URLS (Ctrl-C to stop)" >&2
dotnet src/Host/bin/Release/net10.0/OrderHost.dll "$@" &
host_pid=$!
# Ctrl-C or a TERM sent to this script stops the host gracefully (a background child of a script ignores SIGINT,
# so it is passed on as TERM); the script waits until the host has settled, then the EXIT trap stops the server.
trap 'kill -TERM "$host_pid" 2>/dev/null || true' INT TERM
# A trapped signal ends `wait` early: wait again until the host itself has exited, and report its exit code.
while :; do
  if wait "$host_pid"; then status=0; else status=$?; fi
  kill -0 "$host_pid" 2>/dev/null || break
done
exit "$status"
