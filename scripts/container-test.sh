#!/usr/bin/env bash
# Builds deploy/Dockerfile's image from dist/declouder_*_amd64.deb with Debian's Podman and runs
# it: the packaged gateway, in the container, weighs a simulated Mi Body Composition Scale 2 and
# stores the weighing in the container's volume. Exit status 0 = it did.
#
#   scripts/package.sh amd64 && scripts/container-test.sh
#
# Installs podman and runc (Debian's) when missing. Where no container registry is reachable
# (this project's build machine), the base image debian:bookworm-slim is imported from the VM
# tier's debootstrapped Debian 12 (tests/vm/build-image.sh) instead of pulled.
# On a host with cgroup v1 and v2 mounted side by side (this build machine) crun refuses to run
# and a container may not raise its limits: hence runc, chroot isolation for the build and
# explicit ulimits. Env: PODMAN_BUILD_FLAGS, PODMAN_RUN_FLAGS override those.
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=${DEB:-$(ls -t dist/declouder_*_amd64.deb 2>/dev/null | head -n1)}
[ -n "$DEB" ] && [ -f "$DEB" ] || { echo "container: no dist/declouder_*_amd64.deb: run scripts/package.sh amd64 first" >&2; exit 1; }
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
missing=()
for p in podman runc; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "container: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
BUILD_FLAGS=${PODMAN_BUILD_FLAGS:---isolation=chroot}
RUN_FLAGS=${PODMAN_RUN_FLAGS:---ulimit nofile=1024:1024 --ulimit nproc=4096:4096}
BASE=docker.io/library/debian:bookworm-slim

if ! podman image exists "$BASE" && ! timeout 120 podman pull -q "$BASE" >/dev/null 2>&1; then
  echo "container: no registry reachable: importing $BASE from the VM tier's Debian 12"
  image=$(tests/vm/build-image.sh)
  root=$(mktemp -d /tmp/declouder-base.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  (cd "$root" && cpio -idm --quiet < "$image/base.cpio" 2>/dev/null && rm -rf lib/modules)
  tar -C "$root" -c . | podman import -q - "$BASE" >/dev/null
fi

context=$(mktemp -d /tmp/declouder-context.XXXXXX)
cp "$DEB" "$context/"
t0=$SECONDS
# shellcheck disable=SC2086
podman build -q $BUILD_FLAGS --pull=never -f deploy/Dockerfile -t localhost/declouder:test "$context" >/dev/null
rm -rf "$context"
echo "container: image built from $(basename "$DEB") in $((SECONDS - t0)) s, $(podman image inspect -f '{{.Size}}' localhost/declouder:test | awk '{printf "%.0f MB", $1 / 1e6}')"

out=$(mktemp /tmp/declouder-container.XXXXXX)
podman volume rm -f declouder-test-data >/dev/null 2>&1 || true
# shellcheck disable=SC2086
timeout 60 podman --runtime runc run --rm --name declouder-test $RUN_FLAGS -v declouder-test-data:/var/lib/declouder \
  localhost/declouder:test run --config /etc/declouder/config.toml --database /var/lib/declouder/declouder.db \
  --simulate mi-scale-2:weights=81.1,impedances=480 --jsonl - > "$out" 2>&1 &
run=$!
for _ in $(seq 120); do grep -q '"weight_kg":81.1' "$out" && break; sleep 0.5; done
podman stop -t 10 declouder-test >/dev/null 2>&1 || true
wait $run || true
# What the gateway stored survives the container, in the volume.
stored=$(timeout 60 podman --runtime runc run --rm $RUN_FLAGS -v declouder-test-data:/var/lib/declouder \
  localhost/declouder:test history --database /var/lib/declouder/declouder.db --unassigned --json 2>&1 || true)
podman volume rm -f declouder-test-data >/dev/null 2>&1 || true
if grep -q '"model":"xiaomi-mi-scale-2".*"weight_kg":81.1' "$out" && grep -q '"weight_kg":81.1' <<<"$stored"; then
  echo "container: PASS: the packaged gateway weighed the simulated scale (81.1 kg) and stored it in its volume"
  rm -f "$out"
  exit 0
fi
echo "container: FAIL"; cat "$out"; echo "$stored"; rm -f "$out"
exit 1
