#!/usr/bin/env bash
# A real Python base image for the Python service fixture and the build benchmark: Debian bookworm
# (minbase) with python3, pip and venv, for linux/amd64 and linux/arm64 (arm64 through QEMU), pushed to
# the local registry as one index. It stands in for python:3.11-slim, which cannot be pulled here.
#
# Slow the first time (~2 min for amd64, ~5 min for arm64's second stage under QEMU), so the root
# filesystems are kept as tarballs under .cache/python-base/ and the image is rebuilt from them only when
# the registry lacks it. Idempotent; needs root, Debian, and scripts/setup/20-engines.sh run first (the
# registry, podman, QEMU). Adds MULTIARCH_PYTHON_BASE_IMAGE to .cache/engines.env.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="${MULTIARCH_STATE:-/var/lib/multiarch-ci}"
env_file="$repo/.cache/engines.env"
cache="$repo/.cache/python-base"
registry_addr=127.0.0.1:5000
image="$registry_addr/multiarch/python:3.11-bookworm"
suite=bookworm
include=python3,python3-pip,python3-venv,python-is-python3,ca-certificates

log() { echo "30-python-base: $*"; }

if [[ "$(id -u)" != 0 ]]; then
  log "not root, skipping (debootstrap needs root)."
  exit 0
fi
if [[ ! -f /etc/debian_version ]] || ! command -v apt-get >/dev/null; then
  log "not Debian, skipping."
  exit 0
fi
if [[ ! -f "$env_file" ]] || ! curl -fs -o /dev/null "http://$registry_addr/v2/"; then
  log "no engines (run scripts/setup/20-engines.sh first), skipping."
  exit 0
fi

# The env file is rewritten by 20-engines.sh on every run; the line is added back each time.
write_env() {
  local tmp
  tmp="$(mktemp "$repo/.cache/engines.env.XXXXXX")"
  grep -v '^MULTIARCH_PYTHON_BASE_IMAGE=' "$env_file" >"$tmp" || true
  echo "MULTIARCH_PYTHON_BASE_IMAGE=$image" >>"$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$env_file"
}

if skopeo inspect --raw --tls-verify=false "docker://$image" 2>/dev/null | grep -q '"manifests"'; then
  log "base image $image present"
  write_env
  exit 0
fi

if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

# The same mirror apt uses on this machine (deb822 first, then the one-line format).
mirror="$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
if [[ -z "$mirror" ]]; then
  mirror="$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' \
    /etc/apt/sources.list 2>/dev/null || true)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"

mkdir -p "$cache"
work="$state/python-base"
# A run killed half-way leaves its work folder; the next one starts it afresh.
rm -rf "$work"
trap 'rm -rf "$work"' EXIT

# rootfs ARCH: debootstrap one root into $work/ARCH and keep it as $cache/rootfs-ARCH.tar.
rootfs() {
  local arch=$1 dir="$work/$1" t=$SECONDS
  [[ -f "$cache/rootfs-$arch.tar" ]] && return 0
  rm -rf "$dir"
  mkdir -p "$dir"
  log "debootstrap $suite $arch from $mirror"
  if [[ "$arch" == amd64 ]]; then
    debootstrap --variant=minbase --include="$include" "$suite" "$dir" "$mirror" >"$work/$arch.log" 2>&1 ||
      { tail -n 20 "$work/$arch.log"; exit 1; }
  else
    # The foreign first stage only unpacks; the second runs the arm64 maintainer scripts under QEMU.
    debootstrap --arch="$arch" --foreign --variant=minbase --include="$include" "$suite" "$dir" "$mirror" \
      >"$work/$arch.log" 2>&1 || { tail -n 20 "$work/$arch.log"; exit 1; }
    cp /usr/bin/qemu-aarch64-static "$dir/usr/bin/"
    chroot "$dir" /debootstrap/debootstrap --second-stage >>"$work/$arch.log" 2>&1 ||
      { tail -n 20 "$work/$arch.log"; exit 1; }
    rm -f "$dir/usr/bin/qemu-aarch64-static"
  fi
  # What an image does not need: apt's downloaded lists and packages.
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb
  tar -C "$dir" -cf "$cache/rootfs-$arch.tar.part" .
  mv "$cache/rootfs-$arch.tar.part" "$cache/rootfs-$arch.tar"
  rm -rf "$dir"
  log "rootfs $arch ready in $((SECONDS - t)) s"
}
mkdir -p "$work"
rootfs amd64
rootfs arm64

# Imported in a throwaway vfs store, so the shared podman store never holds the base and a test's first
# use of it is a real pull.
store="$work/store"
mkdir -p "$store"
printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/graph"\nrunroot = "%s/run"\n' "$store" "$store" >"$store/storage.conf"
pm() { CONTAINERS_STORAGE_CONF="$store/storage.conf" podman "$@"; }
pm manifest create multiarch-python >/dev/null
for arch in amd64 arm64; do
  pm import -q --arch "$arch" --os linux --change 'CMD ["python3"]' "$cache/rootfs-$arch.tar" "multiarch-python-$arch" >/dev/null
  pm manifest add multiarch-python "containers-storage:localhost/multiarch-python-$arch:latest" >/dev/null
done
pm manifest push -q --all --tls-verify=false multiarch-python "docker://$image"
log "pushed base image $image (linux/amd64, linux/arm64)"
write_env
