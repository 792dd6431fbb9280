#!/usr/bin/env bash
# Installs Debian's Chromium when missing (for the dashboards' browser tests) and prints its path.
#
#   source scripts/chromium.sh    # exports CHROMIUM (verify.sh does this before mvn)
#   scripts/chromium.sh           # installs, then prints the path
#
# The browser tests read CHROMIUM (default /usr/bin/chromium). They fail when CI=true and Chromium
# is missing, and skip with a message elsewhere.
_chromium_main() {
  local here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  # shellcheck source=lib/packages.sh
  source "$here/lib/packages.sh"
  ensure_packages chromium:chromium || return 1
  CHROMIUM="${CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}"
  export CHROMIUM
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  _chromium_main
  echo "$CHROMIUM"
else
  _chromium_main
fi
