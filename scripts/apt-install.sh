#!/usr/bin/env bash
# Installs Debian packages for the run, test and CI commands; the repository's one `apt-get install`.
# On a machine whose APT lists were never fetched the install fails ("Unable to locate package"), and
# lists fetched long ago name versions the mirror no longer has; either way `apt-get update` runs once
# and the install is tried again. As root, or through sudo (non-interactive without a terminal).
# APT_CONFIG is passed on: .ci/run uses it to prove all this on private, empty APT state.
# Usage: scripts/apt-install.sh PACKAGE...   (apt-get's output goes to stderr)
set -euo pipefail

[ "$#" -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }
command -v apt-get >/dev/null || { echo "apt-install: no apt-get here (not Debian?); install yourself: $*" >&2; exit 1; }

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "apt-install: not root and no sudo; as root run: apt-get install $*" >&2; exit 1; }
  as_root=(sudo)
  [ -t 0 ] || as_root+=(-n)
fi

apt_get() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive ${APT_CONFIG:+"APT_CONFIG=$APT_CONFIG"} apt-get -q "$@" >&2
}

# The lock timeout: a parallel test or a person installing at the same time is waited for, not failed on.
install=(install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "$@")
if apt_get "${install[@]}"; then
  exit 0
fi
echo "apt-install: installing $* failed; running apt-get update once and trying again" >&2
apt_get update
apt_get "${install[@]}"
