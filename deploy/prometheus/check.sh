#!/usr/bin/env bash
# Validates the Prometheus setup in this folder with promtool:
#   1. promtool check config prometheus.yml and prometheus-split.yml (also checks the rule files they load)
#   2. promtool check rules  alerts.yml
#   3. promtool test rules   alerts.test.yml  (alert and recording-rule unit tests)
# Installs promtool first when it is missing (Debian/Ubuntu package `prometheus`,
# which ships /usr/bin/promtool) with scripts/apt-install.sh. Runs every step, prints the output of failed
# steps, ends with one summary line and exits non-zero if any step failed.
# Contacts nothing but the package mirror (and only to install).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

install_promtool() {
  echo "check.sh: promtool not found, installing the Debian package 'prometheus'..." >&2
  # Root or sudo, and apt-get update when this machine's lists lack the package: the repository's one install step.
  ../../scripts/apt-install.sh prometheus || return 1
  # The package's server is not wanted here; where systemd runs it may be
  # started by the install, so it is stopped and disabled.
  if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    local sudo=()
    [[ "$(id -u)" -eq 0 ]] || sudo=(sudo -n)
    "${sudo[@]}" systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  fi
  command -v promtool >/dev/null 2>&1
}

command -v promtool >/dev/null 2>&1 || install_promtool

echo "using $(command -v promtool), version $(promtool --version 2>&1 | head -n 1 | awk '{print $3}')"

passed=0
failed=0
run_step() {
  local name="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1))
    echo "ok    ${name}"
  else
    failed=$((failed + 1))
    echo "FAIL  ${name}"
    printf '%s\n' "${out}" | sed 's/^/      /'
  fi
}

run_step "promtool check config prometheus.yml" promtool check config prometheus.yml
run_step "promtool check config prometheus-split.yml" promtool check config prometheus-split.yml
run_step "promtool check rules alerts.yml"      promtool check rules alerts.yml
run_step "promtool test rules alerts.test.yml"  promtool test rules alerts.test.yml

# Worded so it is not mistaken for the test suite's closing "N passed, N failed" line.
echo "promtool: ${passed} checks ok, ${failed} checks failing"
[[ "${failed}" -eq 0 ]]
