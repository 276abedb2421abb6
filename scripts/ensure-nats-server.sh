#!/usr/bin/env bash
# Prints the path of a nats-server >= 2.12. Uses, in order: $NATS_SERVER_BIN, the copy cached in
# .tools/, a nats-server on PATH; otherwise unpacks Debian unstable's package into .tools/ without
# touching the system's APT state (private sources list, lists and cache folders).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/nats-server"
cached="$tools/usr/sbin/nats-server"
min_major=2
min_minor=12

version_ok() {
  local v
  v="$("$1" --version 2>/dev/null | sed -n 's/.*v\([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')" || return 1
  [ -n "$v" ] || return 1
  local major="${v%%.*}" minor="${v#*.}"
  [ "$major" -gt "$min_major" ] || { [ "$major" -eq "$min_major" ] && [ "$minor" -ge "$min_minor" ]; }
}

for candidate in "${NATS_SERVER_BIN:-}" "$cached" "$(command -v nats-server 2>/dev/null || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && version_ok "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

echo "ensure-nats-server: no nats-server >= $min_major.$min_minor found; unpacking Debian unstable's package into $tools" >&2
command -v apt-get >/dev/null && command -v dpkg >/dev/null || {
  echo "ensure-nats-server: needs apt-get and dpkg (Debian); or set NATS_SERVER_BIN to a nats-server >= $min_major.$min_minor" >&2
  exit 1
}

mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; exit } }' /etc/apt/sources.list)"
fi
[ -n "$mirror" ] || { echo "ensure-nats-server: cannot find the Debian mirror in the APT sources" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror unstable main" > "$work/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$work/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "APT::Sandbox::User=root"
  -o "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false"
  -o "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false"
  -o "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false"
  -o "Acquire::IndexTargets::deb::CNF::DefaultEnabled=false"
)
apt-get "${apt_opts[@]}" -qq update >&2
(cd "$work/deb" && apt-get "${apt_opts[@]}" -qq download nats-server >&2)
rm -rf "$tools"
mkdir -p "$tools"
dpkg -x "$work"/deb/nats-server_*.deb "$tools"
version_ok "$cached" || { echo "ensure-nats-server: the unpacked server is older than $min_major.$min_minor" >&2; exit 1; }
echo "ensure-nats-server: $("$cached" --version)" >&2
echo "$cached"
