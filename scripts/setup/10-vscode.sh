#!/usr/bin/env bash
# System packages the real-VS-Code test host needs: Debian chromium (driven by playwright-core),
# ripgrep (seeds @vscode/ripgrep's download cache, since GitHub is unreachable), libkrb5-dev and a
# C/C++ toolchain (code-server's native modules kerberos, node-pty and argon2 compile from source).
# Idempotent: installs only what is missing and runs `apt-get update` at most once.
set -euo pipefail

packages=(chromium fonts-dejavu-core libkrb5-dev ripgrep build-essential python3 ca-certificates procps)

if [[ "$(id -u)" != 0 ]]; then
  echo "10-vscode: not root, skipping apt installs (needs: ${packages[*]})."
  exit 0
fi
if [[ ! -f /etc/debian_version ]] || ! command -v apt-get >/dev/null; then
  echo "10-vscode: not Debian, skipping (install these yourself: ${packages[*]})."
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "10-vscode: all present (${packages[*]})."
  exit 0
fi

# Package lists refreshed in the last hour (by .ci/run or another setup script) are good enough.
lists=/var/lib/apt/lists
if [[ -z "$(find "$lists" -maxdepth 1 -name '*_Packages*' -mmin -60 -print -quit 2>/dev/null)" ]]; then
  echo "10-vscode: apt-get update"
  apt-get update -qq
fi
echo "10-vscode: installing ${missing[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "10-vscode: installed ${missing[*]}"
