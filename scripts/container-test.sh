#!/usr/bin/env bash
# Builds the two container images of deploy/ from dist/declouder_*_amd64.deb with Debian's Podman
# and runs them, as their users would:
#
#   1. deploy/Dockerfile (plain Docker/Podman): the packaged gateway weighs a simulated
#      Mi Body Composition Scale 2 and stores the weighing in the container's volume.
#   2. deploy/home-assistant-addon/ (the add-on's Dockerfile, with --build-arg BUILD_FROM as
#      Home Assistant's builder gives it): run.sh writes /data/config.toml from the add-on's
#      /data/options.json (a person, a broker, a simulated scale), the gateway weighs the scale
#      into /data/declouder.db and publishes it to a Mosquitto on this host.
#
#   scripts/package.sh --from-build build && scripts/container-test.sh
#
# Exit status 0 = both did. What cannot run here: the Supervisor itself (it gives the add-on
# /data/options.json, SUPERVISOR_TOKEN and its MQTT service: this script writes the options and
# names the broker in them instead) and the host's BlueZ over host_dbus (there is no radio: the
# scale is simulated). deploy/README.md, "Containers, built and run here".
#
# The base image: no container registry is reachable from this project's build machine, so the
# Debian 12 both Dockerfiles start from is debootstrapped here (--variant=minbase, from the
# mirror apt uses) and imported with `podman import` as localhost/declouder-base:bookworm,
# cached in $DECLOUDER_CONTAINER_CACHE (default /var/cache/declouder-container). Give
# BUILD_FROM=debian:bookworm-slim to use a pulled image instead.
# On a host with cgroup v1 and v2 mounted side by side (this build machine) crun refuses to run
# and a container may not raise its limits: hence runc, chroot isolation for the build and
# explicit ulimits. Env: PODMAN_BUILD_FLAGS, PODMAN_RUN_FLAGS override those.
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=${DEB:-$(ls -t dist/declouder_*_amd64.deb 2>/dev/null | head -n1)}
[ -n "$DEB" ] && [ -f "$DEB" ] || { echo "container: no dist/declouder_*_amd64.deb: run scripts/package.sh --from-build build first" >&2; exit 1; }
DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
missing=()
# podman, runc: the engine; debootstrap: the base image; mosquitto(-clients): the host's broker.
for p in podman runc debootstrap mosquitto mosquitto-clients; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "container: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
BUILD_FLAGS=${PODMAN_BUILD_FLAGS:---isolation=chroot}
RUN_FLAGS=${PODMAN_RUN_FLAGS:---ulimit nofile=1024:1024 --ulimit nproc=4096:4096}
RUN=(podman --runtime runc run --rm)

WORK=$(mktemp -d /tmp/declouder-container.XXXXXX)
broker=
cleanup() {
  [ -z "$broker" ] || kill "$broker" 2>/dev/null || true
  podman rm -f declouder-test declouder-addon-test >/dev/null 2>&1 || true
  podman volume rm -f declouder-test-data >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "container: FAIL: $*" >&2; exit 1; }

# --- the base image: a minimal Debian 12 -------------------------------------------------------
BASE=${BUILD_FROM:-localhost/declouder-base:bookworm}
if ! podman image exists "$BASE"; then
  [ "$BASE" = localhost/declouder-base:bookworm ] || podman pull -q "$BASE" >/dev/null \
    || fail "cannot pull $BASE"
fi
if ! podman image exists "$BASE"; then
  cache=${DECLOUDER_CONTAINER_CACHE:-/var/cache/declouder-container}
  tarball=$cache/bookworm-minbase.tar
  if [ ! -f "$tarball" ]; then
    MIRROR=${MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)}
    MIRROR=${MIRROR:-http://deb.debian.org/debian}
    echo "container: debootstrapping a minimal Debian 12 from $MIRROR (once; cached in $cache)"
    t0=$SECONDS
    mkdir -p "$cache"
    debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap failed"; }
    # What an image does not need: the package cache, the lists (apt-get update fetches them).
    rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/lib/apt/lists/*
    tar -C "$WORK/rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$WORK/rootfs"
    echo "container: base root file system in $((SECONDS - t0)) s"
  fi
  podman import -q "$tarball" "$BASE" >/dev/null
fi
echo "container: base image $BASE, $(podman image inspect -f '{{.Size}}' "$BASE" | awk '{printf "%.0f MB", $1 / 1e6}')"

# image NAME DOCKERFILE CONTEXT [BUILD_ARG...]: builds NAME from CONTEXT (which holds the .deb).
image() {
  local name=$1 file=$2 context=$3 t0=$SECONDS; shift 3
  local args=(--build-arg "BUILD_FROM=$BASE") a
  for a in "$@"; do args+=(--build-arg "$a"); done
  # shellcheck disable=SC2086
  podman build -q $BUILD_FLAGS --pull=never "${args[@]}" -f "$file" -t "$name" "$context" >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; fail "building $name"; }
  echo "container: $name built from $(basename "$DEB") in $((SECONDS - t0)) s, $(podman image inspect -f '{{.Size}}' "$name" | awk '{printf "%.0f MB", $1 / 1e6}')"
}

# wait_for SECONDS FILE PATTERN: until FILE holds PATTERN.
wait_for() {
  local _
  for _ in $(seq $(($1 * 2))); do grep -q "$3" "$2" 2>/dev/null && return 0; sleep 0.5; done
  return 1
}

# --- 1. deploy/Dockerfile ----------------------------------------------------------------------
mkdir -p "$WORK/docker"
cp "$DEB" "$WORK/docker/"
image localhost/declouder:test deploy/Dockerfile "$WORK/docker"
out=$WORK/docker.out
# shellcheck disable=SC2086
timeout 90 "${RUN[@]}" --name declouder-test $RUN_FLAGS -v declouder-test-data:/var/lib/declouder \
  localhost/declouder:test run --config /etc/declouder/config.toml --database /var/lib/declouder/declouder.db \
  --simulate mi-scale-2:weights=81.1,impedances=480 --jsonl - > "$out" 2>&1 &
run=$!
wait_for 60 "$out" '"weight_kg":81.1' || true
podman stop -t 10 declouder-test >/dev/null 2>&1 || true
wait $run || true
grep -q '"model":"xiaomi-mi-scale-2".*"weight_kg":81.1' "$out" || { cat "$out" >&2; fail "the Docker image's gateway printed no weighing"; }
# What the gateway stored survives the container, in the volume.
# shellcheck disable=SC2086
stored=$(timeout 60 "${RUN[@]}" $RUN_FLAGS -v declouder-test-data:/var/lib/declouder \
  localhost/declouder:test history --database /var/lib/declouder/declouder.db --unassigned --json 2>&1 || true)
grep -q '"weight_kg":81.1' <<<"$stored" || fail "the Docker image's volume holds no weighing: $stored"
echo "container: PASS: deploy/Dockerfile: the packaged gateway weighed the simulated scale (81.1 kg) and stored it in its volume"

# --- 2. the Home Assistant add-on --------------------------------------------------------------
mkdir -p "$WORK/addon"
cp deploy/home-assistant-addon/* "$WORK/addon/"
cp "$DEB" "$WORK/addon/"
image localhost/declouder-addon:test "$WORK/addon/Dockerfile" "$WORK/addon" BUILD_ARCH=amd64

# The host's broker, on a free loopback port; the container shares the host's network.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" > "$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
broker=$!
for _ in $(seq 40); do mosquitto_pub -p "$port" -t declouder-test/ping -m up 2>/dev/null && break; sleep 0.25; done
mosquitto_sub -p "$port" -v -t 'declouder/#' > "$WORK/published" 2>&1 &
sub=$!

# What the Supervisor would write from the add-on's options (config.yaml's schema).
data=$WORK/data
mkdir -p "$data"
cat > "$data/options.json" <<JSON
{"gateway_id": "bathroom",
 "people": [{"name": "alice", "sex": "female", "birth_date": "1990-04-02", "height_cm": 168,
             "weight_min": 55, "weight_max": 70}],
 "mqtt_url": "mqtt://127.0.0.1:$port",
 "simulate": ["mi-scale-2:weights=61.3,impedances=480"]}
JSON
out=$WORK/addon.out
# shellcheck disable=SC2086
timeout 90 "${RUN[@]}" --name declouder-addon-test $RUN_FLAGS --network host -v "$data:/data" \
  localhost/declouder-addon:test > "$out" 2>&1 &
run=$!
wait_for 60 "$WORK/published" '61.3' || true
podman stop -t 10 declouder-addon-test >/dev/null 2>&1 || true
wait $run || true
kill $sub 2>/dev/null || true

[ -f "$data/config.toml" ] || { cat "$out" >&2; fail "run.sh wrote no /data/config.toml"; }
[ "$(stat -c %a "$data/config.toml")" = 600 ] || fail "/data/config.toml is $(stat -c %a "$data/config.toml"), not 0600"
for line in '[gateway]' 'id = "bathroom"' 'simulate = ["mi-scale-2:weights=61.3,impedances=480"]' \
            '[mqtt]' "url = \"mqtt://127.0.0.1:$port\"" '[[person]]' 'name = "alice"' 'birth_date = 1990-04-02'; do
  grep -qxF "$line" "$data/config.toml" || { cat "$data/config.toml" >&2; fail "/data/config.toml lacks: $line"; }
done
grep -q '61.3' "$WORK/published" || { cat "$out" "$WORK/published" >&2; fail "nothing with 61.3 kg was published to the host's broker"; }
[ -f "$data/declouder.db" ] || { cat "$out" >&2; fail "no /data/declouder.db"; }
# shellcheck disable=SC2086
stored=$(timeout 60 "${RUN[@]}" $RUN_FLAGS -v "$data:/data" --entrypoint declouder localhost/declouder-addon:test \
  history --database /data/declouder.db --person alice --json 2>&1 || true)
grep -q '"weight_kg":61.3' <<<"$stored" || { cat "$out" >&2; fail "/data/declouder.db holds no weighing of alice: $stored"; }
echo "container: published: $(grep -c . "$WORK/published") messages under declouder/, e.g. $(grep -m1 '61.3' "$WORK/published" | cut -c1-160)"
echo "container: PASS: the add-on wrote its config from options.json, weighed the simulated scale (61.3 kg, alice) into /data and published it to the host's Mosquitto"
