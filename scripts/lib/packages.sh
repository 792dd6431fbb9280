#!/usr/bin/env bash
# Sourced by the project's scripts: installs Debian packages when a command they provide is missing.
#
#   source scripts/lib/packages.sh
#   ensure_packages wrk:wrk victoria-metrics:victoria-metrics   # command:package pairs
#
# Waits for the dpkg lock (several scripts may install at once), refreshes the package lists only
# when an install fails on a fresh machine, and uses sudo when not root. Fails with a message naming
# the packages when they cannot be installed.

ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || [[ -x "/usr/bin/$cmd" ]] || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "need root or sudo to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  echo "installing Debian packages: ${missing[*]}" >&2
  local apt=($sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -qq)
  if ! "${apt[@]}" install "${missing[@]}" >/dev/null 2>&1; then
    "${apt[@]}" update >/dev/null
    "${apt[@]}" install "${missing[@]}" >/dev/null || {
      echo "could not install Debian packages: ${missing[*]}" >&2
      return 1
    }
  fi
}
