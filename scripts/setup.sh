#!/usr/bin/env bash
# Installs everything declouder needs on a fresh Debian 12 machine, idempotently.
# Every package is listed with the reason it is here; the README repeats the list.
# Usage: scripts/setup.sh            (as root, or with sudo available)
set -euo pipefail

PACKAGES=(
  # --- build ---
  build-essential        # g++ 12: the C++20 compiler
  cmake ninja-build      # the build system and a fast builder
  pkg-config             # finds the libraries below
  # --- libraries the program links ---
  libsqlite3-dev         # local storage (SQLite, WAL mode)
  libsdbus-c++-dev       # BlueZ over D-Bus (sdbus-c++ 1.2)
  libsystemd-dev         # sd-bus underneath sdbus-c++
  libmosquitto-dev       # MQTT client for Home Assistant / Domoticz
  libssl-dev             # libcrypto (OpenSSL 3): AES-CCM of the Xiaomi S400/S200/S800 adverts, the Noise handshake of ESPHome proxies
  libtomlplusplus-dev    # the people/config file is TOML (header-only)
  nlohmann-json3-dev     # JSON for definition files and golden-file tests (header-only)
  libcpp-httplib-dev     # the local web page and its /api/ (`declouder web`): an HTTP server in Debian
  # --- what the web page serves (from the install, never from the internet) ---
  libjs-chart.js         # the charts of the web page (Chart.js 3.9, /usr/share/javascript/chart.js)
  # --- tests, fuzzing, benchmarks ---
  libgtest-dev libgmock-dev  # unit tests (GoogleTest)
  libbenchmark-dev       # benchmarks (Google Benchmark)
  clang libclang-rt-14-dev   # libFuzzer targets
  mosquitto mosquitto-clients  # a real broker on loopback for the gateway tests and the demo (mosquitto_passwd)
  dbus                   # dbus-daemon: a private system bus for the BlueZ tests
  tshark                 # Wireshark agreement tests for the capture readers
  python3                # small test helpers
  nodejs                 # runs the npm test tools (tests/npm/: an ESPHome API client, Garmin's FIT SDK)
  socat                  # pseudo-terminal pairs for the serial tests
  chromium               # a real browser loads the web page in the web tests (headless)
  # --- the real-BlueZ virtual machine test tier ---
  qemu-system-x86 debootstrap cpio zstd xz-utils bc
  # --- the Debian package (scripts/package.sh amd64, tested in the VM tier) ---
  lintian                # Debian's package checker; dpkg-dev (build-essential) has dpkg-shlibdeps
)
# scripts/package.sh installs what the cross-built packages need itself (crossbuild-essential-ARCH,
# the -dev packages for ARCH, qemu-user-static): a release's, not every test run's.

ROOT=$(cd "$(dirname "$0")/.." && pwd)

# The npm test tools (tests/npm/package.json, pinned by its package-lock.json): third-party
# implementations the simulators are checked against. Without the registry the tests that
# need them say so and are skipped.
npm_tools() {
  [ -d "$ROOT/tests/npm/node_modules/@2colors/esphome-native-api" ] &&
    [ -d "$ROOT/tests/npm/node_modules/@garmin/fitsdk" ] && return 0
  echo "setup: installing the npm test tools into tests/npm/"
  npm ci --prefix "$ROOT/tests/npm" --no-audit --no-fund --loglevel=error ||
    echo "setup: npm could not install tests/npm/ (registry unreachable?): the ESPHome client and FIT SDK checks will be skipped"
}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# npm: Debian's own package, unless the Node.js installed already brings one (NodeSource's does).
command -v npm > /dev/null || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  npm_tools
  exit 0
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer 'no' up front.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
npm_tools
echo "setup: done"
