#!/usr/bin/env bash
# Real container engines for the engine tests and the build benchmark: Debian's dockerd 20.10
# (BuildKit, one platform per build), podman 4.3, QEMU user emulation for linux/arm64, a local
# registry on 127.0.0.1:5000, skopeo, and a busybox-static root filesystem per architecture (no
# registry outside is reachable, so a busybox base image is built FROM scratch and pushed to the
# local registry for the fixtures to pull).
#
# Everything lives under one state folder ($MULTIARCH_STATE, default /var/lib/multiarch-ci) so
# it never fights a system-wide Docker or podman. The result is an env file, .cache/engines.env
# (KEY=VALUE lines, no quoting), that tests and benchmarks read.
#
# Idempotent: installs only missing packages, starts only what is not already answering.
# The binfmt_misc mount and handler registration are kernel state and are redone after a boot.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="${MULTIARCH_STATE:-/var/lib/multiarch-ci}"
env_file="$repo/.cache/engines.env"
rootfs_dir="$repo/.cache/rootfs"
docker_cli=/usr/bin/docker # /usr/local/bin/docker may be a newer CLI that refuses BuildKit without buildx
registry_addr=127.0.0.1:5000

packages=(docker.io containerd runc iptables podman buildah qemu-user-static binfmt-support
  docker-registry skopeo busybox-static curl ca-certificates procps file iproute2)

log() { echo "20-engines: $*"; }

if [[ "$(id -u)" != 0 ]]; then
  log "not root, skipping (needs root to install ${packages[*]} and start dockerd)."
  exit 0
fi
if [[ ! -f /etc/debian_version ]] || ! command -v apt-get >/dev/null; then
  log "not Debian, skipping (install Docker or podman, QEMU binfmt handlers and a registry yourself)."
  exit 0
fi

# --- packages -------------------------------------------------------------------------------
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -60 -print -quit 2>/dev/null)" ]]; then
    log "apt-get update"
    apt-get update -qq
  fi
  log "installing ${missing[*]}"
  # policy-rc.d 101 keeps the packages' init scripts from starting a system dockerd/registry with
  # Debian's defaults (the registry's default config enables htpasswd auth on port 5000).
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
  trap - EXIT
else
  log "packages present"
fi

mkdir -p "$state" "$repo/.cache"

# --- QEMU user emulation for arm64 ---------------------------------------------------------
if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || log "cannot mount binfmt_misc (arm64 RUN steps will fail)"
fi
if [[ -e /proc/sys/fs/binfmt_misc/register && ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
  update-binfmts --enable qemu-aarch64 || log "update-binfmts --enable qemu-aarch64 failed"
fi
qemu=0
if grep -qs '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64; then qemu=1; fi
log "qemu-aarch64 handler: $([[ $qemu == 1 ]] && echo enabled || echo missing)"

# --- dockerd with its own roots --------------------------------------------------------------
docker_sock="$state/docker.sock"
export DOCKER_HOST="unix://$docker_sock"
if "$docker_cli" version >/dev/null 2>&1; then
  log "dockerd already answering on $docker_sock"
else
  # A killed dockerd can linger as a zombie whose pid still answers kill -0: count only live processes.
  pid_alive() { [[ -r /proc/$1/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
  if [[ -f "$state/docker.pid" ]] && pid_alive "$(cat "$state/docker.pid")"; then
    log "dockerd pid $(cat "$state/docker.pid") exists but does not answer; waiting for it"
  else
    rm -f "$state/docker.pid" "$docker_sock"
    mkdir -p "$state/docker" "$state/docker-exec"
    log "starting dockerd (log: $state/dockerd.log)"
    setsid nohup dockerd --data-root "$state/docker" --exec-root "$state/docker-exec" \
      --pidfile "$state/docker.pid" -H "unix://$docker_sock" >"$state/dockerd.log" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 150); do
    "$docker_cli" version >/dev/null 2>&1 && break
    sleep 0.2
  done
  "$docker_cli" version >/dev/null 2>&1 || { log "dockerd did not come up; tail of its log:"; tail -n 20 "$state/dockerd.log"; exit 1; }
  log "dockerd up"
fi

# --- podman configuration --------------------------------------------------------------------
conf="$state/containers"
mkdir -p "$conf" "$state/podman/storage" "$state/podman/run"
cat >"$conf/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$state/podman/storage"
runroot = "$state/podman/run"
EOF
cat >"$conf/containers.conf" <<'EOF'
[containers]
# Without explicit ulimits podman run fails here with "error setting rlimit type 7".
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
# crun refuses this machine kind's hybrid cgroup layout ("cgroups in hybrid mode not supported").
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
cat >"$conf/registries.conf" <<EOF
unqualified-search-registries = []

[[registry]]
location = "$registry_addr"
insecure = true
EOF
export CONTAINERS_STORAGE_CONF="$conf/storage.conf" CONTAINERS_CONF="$conf/containers.conf" \
  CONTAINERS_REGISTRIES_CONF="$conf/registries.conf"
podman info >/dev/null 2>"$state/podman-info.err" || { log "podman info failed:"; cat "$state/podman-info.err"; exit 1; }
log "podman ok ($(podman version --format '{{.Client.Version}}'))"

# --- local registry --------------------------------------------------------------------------
mkdir -p "$state/registry"
cat >"$state/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state/registry
  delete:
    enabled: true
http:
  addr: $registry_addr
EOF
if curl -fs -o /dev/null "http://$registry_addr/v2/"; then
  log "registry already answering on $registry_addr"
else
  # Tests delete what they push by manifest; the layers stay on disk until a garbage collection, which must
  # not run while the registry serves. A fresh registry has nothing to collect (and no folder to walk).
  if [[ -d "$state/registry/docker/registry/v2/repositories" ]]; then
    docker-registry garbage-collect "$state/registry.yml" >"$state/registry-gc.log" 2>&1 ||
      log "registry garbage-collect failed (see $state/registry-gc.log); starting the registry anyway"
  fi
  log "starting docker-registry on $registry_addr (log: $state/registry.log)"
  setsid nohup docker-registry serve "$state/registry.yml" >"$state/registry.log" 2>&1 </dev/null &
  echo $! >"$state/registry.pid"
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "http://$registry_addr/v2/" && break
    sleep 0.1
  done
  curl -fs -o /dev/null "http://$registry_addr/v2/" || { log "registry did not come up:"; tail -n 20 "$state/registry.log"; exit 1; }
fi

# --- busybox-static root filesystems for amd64 and arm64 ---------------------------------------
# Each rootfs-<arch>/ holds bin/busybox plus applet symlinks, so `RUN` has /bin/sh, uname, echo…
make_rootfs() { # arch deb
  local arch=$1 deb=$2 out="$rootfs_dir/$1" tmp
  tmp="$(mktemp -d)"
  dpkg-deb -x "$deb" "$tmp"
  rm -rf "$out"
  mkdir -p "$out/bin" "$out/tmp" "$out/etc"
  cp "$tmp/bin/busybox" "$out/bin/busybox"
  # The applet list comes from the host's busybox: same package version, and it can run natively.
  for applet in $(/bin/busybox --list); do
    [[ "$applet" == busybox ]] || ln -sf busybox "$out/bin/$applet"
  done
  rm -rf "$tmp"
  echo "$arch" >"$out/.complete"
}
dl="$state/debs"
mkdir -p "$dl"
if [[ ! -f "$rootfs_dir/amd64/.complete" ]]; then
  (cd "$dl" && rm -f busybox-static_*_amd64.deb && apt-get -o APT::Sandbox::User=root download -qq busybox-static)
  make_rootfs amd64 "$(ls "$dl"/busybox-static_*_amd64.deb | head -n1)"
  log "rootfs amd64 ready"
fi
if [[ ! -f "$rootfs_dir/arm64/.complete" ]]; then
  # A private apt state that sees only arm64 packages, so the host's dpkg is never touched.
  apt_arm="$state/apt-arm64"
  mkdir -p "$apt_arm/lists/partial" "$apt_arm/cache/archives/partial"
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $codename main" \
    >"$apt_arm/sources.list"
  apt_opts=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o "Dir::State::Lists=$apt_arm/lists"
    -o "Dir::Cache=$apt_arm/cache" -o Dir::State::status=/dev/null -o "Dir::Etc::SourceList=$apt_arm/sources.list"
    -o Dir::Etc::SourceParts=/nonexistent -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq
  (cd "$dl" && rm -f busybox-static_*_arm64.deb && apt-get "${apt_opts[@]}" download -qq busybox-static:arm64)
  make_rootfs arm64 "$(ls "$dl"/busybox-static_*_arm64.deb | head -n1)"
  log "rootfs arm64 ready"
fi

# --- a busybox base image for linux/amd64 + linux/arm64 in the local registry --------------------
# Real projects start FROM a base pulled from a registry that every variant shares; the fixtures do too.
# Built from the rootfs above (COPY only, no RUN, so no emulation) in a throwaway vfs store, so the
# shared podman store never holds it and a test's first pull of it is a real pull.
base_image="$registry_addr/multiarch/busybox:1"
if skopeo inspect --raw --tls-verify=false "docker://$base_image" 2>/dev/null | grep -q '"manifests"'; then
  log "base image $base_image present"
else
  base_tmp="$(mktemp -d)"
  cp -a "$rootfs_dir/amd64" "$base_tmp/rootfs-amd64"
  cp -a "$rootfs_dir/arm64" "$base_tmp/rootfs-arm64"
  rm -f "$base_tmp"/rootfs-*/.complete
  printf 'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nCMD ["/bin/sh"]\n' >"$base_tmp/Dockerfile"
  printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/graph"\nrunroot = "%s/run"\n' "$base_tmp" "$base_tmp" >"$base_tmp/storage.conf"
  CONTAINERS_STORAGE_CONF="$base_tmp/storage.conf" podman build -q --platform linux/amd64,linux/arm64 \
    --manifest multiarch-base "$base_tmp" >/dev/null
  CONTAINERS_STORAGE_CONF="$base_tmp/storage.conf" podman manifest push -q --all --tls-verify=false \
    multiarch-base "docker://$base_image"
  rm -rf "$base_tmp"
  log "pushed base image $base_image (linux/amd64, linux/arm64)"
fi

# --- a second build node of each engine, for the build-node tests ----------------------------------
# Another machine is simulated by a second engine with a store of its own on another loopback address
# (podman) or socket (dockerd); both reach the registry on 127.0.0.1:5000 like a real remote node would.
node2="$state/node2"
node2_podman_addr=127.0.0.2:10888
node2_podman="tcp://$node2_podman_addr"
mkdir -p "$node2/podman/storage" "$node2/podman/run"
cat >"$node2/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$node2/podman/storage"
runroot = "$node2/podman/run"
EOF
if podman --url "$node2_podman" version >/dev/null 2>&1; then
  log "second podman node already answering on $node2_podman"
else
  log "starting a second podman API service on $node2_podman (log: $node2/podman.log)"
  # Started from its own folder: podman 4.3's service resolves a remote build's Dockerfile against its
  # working directory, so a Dockerfile there would be built instead of the client's.
  (cd "$node2" && CONTAINERS_STORAGE_CONF="$node2/storage.conf" exec setsid nohup podman system service --time=0 \
    "tcp:$node2_podman_addr") >"$node2/podman.log" 2>&1 </dev/null &
  for _ in $(seq 1 100); do
    podman --url "$node2_podman" version >/dev/null 2>&1 && break
    sleep 0.1
  done
  podman --url "$node2_podman" version >/dev/null 2>&1 || { log "second podman node did not come up:"; tail -n 20 "$node2/podman.log"; exit 1; }
fi

# A second dockerd needs a bridge of its own, made before it starts. Never --bridge=none: at start-up
# that deletes the host's docker0 and breaks the first dockerd's builds until it is restarted.
node2_docker_sock=/run/multiarch-node2/docker.sock
node2_docker="unix://$node2_docker_sock"
if ! ip link show br-ma2 >/dev/null 2>&1; then
  ip link add br-ma2 type bridge
  ip addr add 172.31.250.1/24 dev br-ma2
fi
ip link set br-ma2 up
if DOCKER_HOST="$node2_docker" "$docker_cli" version >/dev/null 2>&1; then
  log "second dockerd already answering on $node2_docker"
else
  mkdir -p "$node2/docker" "$node2/docker-exec" "$(dirname "$node2_docker_sock")"
  rm -f "$node2_docker_sock"
  log "starting a second dockerd on $node2_docker (log: $node2/dockerd.log)"
  setsid nohup dockerd --data-root "$node2/docker" --exec-root "$node2/docker-exec" --pidfile "$node2/docker.pid" \
    -H "$node2_docker" --bridge=br-ma2 --iptables=false --ip-masq=false >"$node2/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 150); do
    DOCKER_HOST="$node2_docker" "$docker_cli" version >/dev/null 2>&1 && break
    sleep 0.2
  done
  DOCKER_HOST="$node2_docker" "$docker_cli" version >/dev/null 2>&1 || { log "second dockerd did not come up:"; tail -n 20 "$node2/dockerd.log"; exit 1; }
fi

# --- env file ----------------------------------------------------------------------------------
tmp_env="$(mktemp "$repo/.cache/engines.env.XXXXXX")"
cat >"$tmp_env" <<EOF
# Written by scripts/setup/20-engines.sh; read by test/engines and bench/. KEY=VALUE, no quoting.
MULTIARCH_STATE=$state
DOCKER_HOST=$DOCKER_HOST
MULTIARCH_DOCKER=$docker_cli
MULTIARCH_PODMAN=$(command -v podman)
CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF
CONTAINERS_CONF=$CONTAINERS_CONF
CONTAINERS_REGISTRIES_CONF=$CONTAINERS_REGISTRIES_CONF
MULTIARCH_REGISTRY=$registry_addr
MULTIARCH_ROOTFS_DIR=$rootfs_dir
MULTIARCH_BASE_IMAGE=$base_image
MULTIARCH_QEMU_AARCH64=$qemu
MULTIARCH_NODE2_PODMAN=$node2_podman
MULTIARCH_NODE2_DOCKER=$node2_docker
EOF
chmod 644 "$tmp_env"
mv "$tmp_env" "$env_file"
log "wrote $env_file"
