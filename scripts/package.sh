#!/usr/bin/env bash
# Builds declouder's Debian packages: dist/declouder_<version>_<arch>.deb, one per ARCH.
#
#   scripts/package.sh amd64                 the build machine's own architecture
#   scripts/package.sh arm64 armhf armel     cross-built with Debian's cross toolchains
#   scripts/package.sh --unit-tests arm64    also builds the GoogleTest binaries for arm64
#                                            and runs them under qemu-user-static
#   scripts/package.sh --from-build build    packages an existing, already tested build tree
#                                            (scripts/build.sh's: Debian's flags) instead of
#                                            compiling again: what CI (scripts/test.sh) does
#
# For each ARCH (the release path) it installs what it needs (once: the cross toolchain
# crossbuild-essential-ARCH, the multiarch -dev packages ARCH's program links, qemu-user-static,
# lintian; for armel, whose multiarch -dev packages cannot be installed beside the build
# machine's, Debian's gcc-arm-linux-gnueabi and a debootstrapped armel sysroot instead:
# scripts/lib/debian-sysroot.sh), configures
# build-deb-ARCH (kept between runs: a second run only rebuilds what changed), builds the
# program and its man page, installs them with `cmake --install` into a staging tree, takes
# Depends from dpkg-shlibdeps, writes the package with dpkg-deb, checks it with lintian, and
# runs the packaged program (under qemu for a foreign ARCH) on a Mi Body Composition Scale 2
# advertisement, which must decode to the right weight and impedance.
#
# Debian's armhf is ARMv7 with a hardware FPU (Raspberry Pi 2, 3, 4, 5 with a 32-bit system);
# a Raspberry Pi Zero, Zero W or 1 (ARMv6) needs armel. deploy/README.md says which file to take.
#
# Packaging files: deploy/debian/ (control, changelog, copyright, maintainer scripts).
# Env: JOBS (default: the number of CPUs), NICE (default 10: cross builds share the machine),
# DECLOUDER_SYSROOT_CACHE (default /var/cache/declouder-sysroot), MIRROR (for the sysroot).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=${JOBS:-$(nproc)}
NICE=${NICE:-10}

usage="usage: scripts/package.sh [--unit-tests] ARCH... (amd64 arm64 armhf armel) | --from-build DIR"
unit_tests=0
from_build=
arches=()
while [ $# -gt 0 ]; do
  case $1 in
    --unit-tests) unit_tests=1 ;;
    --from-build) [ $# -ge 2 ] || { echo "package: --from-build needs a build directory" >&2; exit 2; }
                  from_build=$2; shift ;;
    --from-build=*) from_build=${1#--from-build=} ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    amd64|arm64|armhf|armel) arches+=("$1") ;;
    *) echo "package: unknown architecture or option '$1' (amd64, arm64, armhf, armel, --unit-tests, --from-build DIR)" >&2; exit 2 ;;
  esac
  shift
done

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
build_arch=$(dpkg --print-architecture)
say() { echo "package: $*"; }
source scripts/lib/debian-buildflags.sh
source scripts/lib/debian-sysroot.sh

# The build tree of each ARCH: build-deb-ARCH, configured and built here; or --from-build's.
declare -A tree
if [ -n "$from_build" ]; then
  cache=$from_build/CMakeCache.txt
  [ -f "$cache" ] || { echo "package: $from_build is not a configured build tree (no CMakeCache.txt): run scripts/build.sh" >&2; exit 1; }
  from_build=$(cd "$from_build" && pwd)
  # A cross tree names its target (cmake/toolchains/debian-cross.cmake); any other is native.
  triplet=$(sed -n 's/^DEBIAN_TRIPLET:[A-Z]*=//p' "$cache")
  tree_arch=$build_arch
  [ -z "$triplet" ] || tree_arch=$(dpkg-architecture -t"$triplet" -qDEB_HOST_ARCH 2>/dev/null)
  [ ${#arches[@]} -eq 0 ] || [ "${arches[*]}" = "$tree_arch" ] || {
    echo "package: $from_build is a build for $tree_arch, not for ${arches[*]}" >&2; exit 2; }
  arches=("$tree_arch")
  tree[$tree_arch]=$from_build
  # What ships must be built as Debian builds it: the tree must have every flag of
  # dpkg-buildflags (scripts/build.sh configures build/ so; a hand-made tree may lack them).
  missing=$( debian_buildflags "$tree_arch"
    have_cxx=" $(sed -n 's/^CMAKE_CXX_FLAGS:[A-Z]*=//p' "$cache") "
    have_ld=" $(sed -n 's/^CMAKE_EXE_LINKER_FLAGS:[A-Z]*=//p' "$cache") "
    for f in $CXXFLAGS; do [[ $have_cxx == *" $f "* ]] || echo -n " $f"; done
    for f in $LDFLAGS; do [[ $have_ld == *" $f "* ]] || echo -n " $f"; done )
  [ -z "$missing" ] || {
    echo "package: $from_build was not configured with Debian's build flags (it lacks$missing): configure it with scripts/build.sh" >&2; exit 1; }
fi
[ ${#arches[@]} -gt 0 ] || { echo "$usage" >&2; exit 2; }
for a in "${arches[@]}"; do [ -n "${tree[$a]:-}" ] || tree[$a]=$ROOT/build-deb-$a; done

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
# need PACKAGE...: installs the ones missing (apt, non-interactive).
need() {
  local missing=() p
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What the program links, as Debian -dev packages (the build machine's come from setup.sh).
LIB_DEV=(libsqlite3-dev libsdbus-c++-dev libsystemd-dev libmosquitto-dev libtomlplusplus-dev libssl-dev
         libcpp-httplib-dev)
TEST_DEV=(libgtest-dev libgmock-dev)

triplet_of() { dpkg-architecture -a"$1" -qDEB_HOST_MULTIARCH 2>/dev/null; }
qemu_of() {  # the qemu-user binary that runs ARCH's programs
  case $1 in arm64) echo qemu-aarch64-static ;; armhf|armel) echo qemu-arm-static ;; *) echo "" ;; esac
}
# armel is built against a sysroot of its own (scripts/lib/debian-sysroot.sh): its multiarch
# -dev packages cannot be installed beside the build machine's (their versions lag behind).
uses_sysroot() { [ "$1" = armel ]; }
sysroot_of() {  # with the test libraries when the unit tests are asked for
  echo "${DECLOUDER_SYSROOT_CACHE:-/var/cache/declouder-sysroot}/$1$([ $unit_tests = 0 ] || echo -tests)"
}

setup_tools() {
  # dpkg-dev: dpkg-shlibdeps, dpkg-gencontrol; lintian: Debian's package checker.
  need dpkg-dev lintian file
  local a new=0
  for a in "${arches[@]}"; do
    [ "$a" = "$build_arch" ] && continue
    uses_sysroot "$a" && continue
    if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
      say "adding the $a architecture to dpkg (for its -dev packages)"
      $SUDO dpkg --add-architecture "$a"
      new=1
    fi
  done
  if [ $new = 1 ] || ! apt-cache show "crossbuild-essential-arm64" >/dev/null 2>&1; then
    $SUDO apt-get update -qq
  fi
  for a in "${arches[@]}"; do
    [ "$a" = "$build_arch" ] && continue
    if uses_sysroot "$a"; then
      # Debian's cross compiler for ARCH (not crossbuild-essential: that one pulls ARCH's
      # multiarch libc6-dev), debootstrap for the sysroot, qemu-user-static to run ARCH's programs.
      local t
      t=$(triplet_of "$a")
      need "gcc-$t" "g++-$t" debootstrap qemu-user-static
      local pkgs=("${LIB_DEV[@]}" nlohmann-json3-dev)
      [ $unit_tests = 1 ] && pkgs+=("${TEST_DEV[@]}")
      debian_sysroot "$a" "$(sysroot_of "$a")" "${pkgs[@]}" || exit 1
      continue
    fi
    local devs=("${LIB_DEV[@]/%/:$a}")
    [ $unit_tests = 1 ] && devs+=("${TEST_DEV[@]/%/:$a}")
    # crossbuild-essential-ARCH: gcc/g++ for ARCH; qemu-user-static: runs ARCH's programs (the
    # man page is written from --help, the decode check, the unit tests).
    need "crossbuild-essential-$a" qemu-user-static nlohmann-json3-dev "${devs[@]}" || {
      # Multiarch -dev packages must have exactly the build machine's versions.
      echo "package: $a: apt cannot install $a's -dev packages beside the build machine's (same versions needed; deploy/README.md, \"armel\")" >&2
      exit 1
    }
  done
}

# build ARCH: configures (once) and builds build-deb-ARCH, or brings --from-build's tree up to
# date (nothing to do when it was just built and tested); prints nothing but progress.
build() {
  local a=$1 dir=${tree[$1]} args=()
  if [ -n "$from_build" ]; then
    say "$a: packaging the build tree $dir"
    nice -n "$NICE" cmake --build "$dir" -j"$JOBS" --target declouder declouder_man
    [ $unit_tests = 0 ] || [ "$a" = "$build_arch" ] || nice -n "$NICE" cmake --build "$dir" -j"$JOBS"
    return 0
  fi
  if [ "$a" != "$build_arch" ]; then
    args+=(-DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchains/debian-cross.cmake" -DDEBIAN_TRIPLET="$(triplet_of "$a")")
    uses_sysroot "$a" && args+=(-DCMAKE_SYSROOT="$(sysroot_of "$a")")
  fi
  local tests=OFF
  [ $unit_tests = 1 ] && [ "$a" != "$build_arch" ] && tests=ON
  mkdir -p "$dir"
  if [ ! -f "$dir/build.ninja" ]; then
    say "$a: configuring $dir"
    # Debian's compiler and linker flags for ARCH, hardening included
    # (scripts/lib/debian-buildflags.sh); CMake reads them when a tree is first configured.
    ( debian_buildflags "$a"
      cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
        -DDECLOUDER_BENCH=OFF -DDECLOUDER_TESTS=$tests "${args[@]}" >"$dir/configure.log" 2>&1 ) \
      || { cat "$dir/configure.log" >&2; exit 1; }
  else
    cmake "$dir" -DDECLOUDER_TESTS=$tests >/dev/null
  fi
  local t0=$SECONDS
  say "$a: building (nice -n $NICE, -j$JOBS)"
  nice -n "$NICE" cmake --build "$dir" -j"$JOBS" --target declouder declouder_man
  if [ $tests = ON ]; then
    nice -n "$NICE" cmake --build "$dir" -j"$JOBS"
  fi
  say "$a: built in $((SECONDS - t0)) s"
}

VERSION=$(sed -n 's/^project(declouder VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
CHANGELOG_VERSION=$(sed -n '1s/^declouder (\([^)]*\)).*/\1/p' deploy/debian/changelog)
[ "$VERSION" = "$CHANGELOG_VERSION" ] || {
  echo "package: CMakeLists.txt says $VERSION, deploy/debian/changelog says $CHANGELOG_VERSION: add a changelog entry" >&2; exit 1; }

# Debian's way with documentation (what dh_compress does): man pages and the changelog are
# gzip -9n'd, as is any other file of /usr/share/doc over 4 kB; copyright and the examples (to
# copy and edit) stay plain.
compress_docs() {
  local stage=$1 f
  find "$stage/usr/share/man" -type f ! -name '*.gz' -exec gzip -9nf {} +
  find "$stage/usr/share/doc" -type f -size +4k ! -name copyright ! -name '*.gz' ! -path '*/examples/*' \
    -exec gzip -9nf {} +
}

# package ARCH: stages the install of ARCH's tree under /usr (whatever prefix the tree was
# configured with: cmake/InstallService.cmake) and writes dist/declouder_VERSION_ARCH.deb.
package() {
  local a=$1 dir=${tree[$1]}
  local stage=$dir/deb-stage pkg=$dir/deb-pkg deb=$ROOT/dist/declouder_${VERSION}_$1.deb
  rm -rf "$stage" "$pkg" && mkdir -p "$stage" "$pkg/debian" "$ROOT/dist"
  DESTDIR=$stage cmake --install "$dir" --prefix /usr --strip >/dev/null
  install -m 0644 deploy/debian/copyright "$stage/usr/share/doc/declouder/copyright"
  gzip -9n < deploy/debian/changelog > "$stage/usr/share/doc/declouder/changelog.gz"
  compress_docs "$stage"
  (cd "$stage" && find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$dir/md5sums"
  # Files are root's (dpkg-deb --root-owner-group); modes as cmake installed them.
  install -d -m 0755 "$stage/DEBIAN"
  install -m 0755 deploy/debian/postinst deploy/debian/prerm deploy/debian/postrm "$stage/DEBIAN/"
  install -m 0644 "$dir/md5sums" "$stage/DEBIAN/md5sums"
  (cd "$stage" && find etc -type f -printf '/%p\n' | sort) > "$stage/DEBIAN/conffiles"
  # dpkg-shlibdeps and dpkg-gencontrol work in a debian/ directory: give them one.
  cp deploy/debian/control deploy/debian/changelog "$pkg/debian/"
  # Against a sysroot: its libraries are found through LD_LIBRARY_PATH (which dpkg-shlibdeps
  # searches) and their packages, symbols and shlibs files in a dpkg database of the sysroot.
  local shlibdeps=(env) sysroot
  if uses_sysroot "$a"; then
    sysroot=$(sysroot_of "$a")
    local t
    t=$(triplet_of "$a")
    shlibdeps+=(LD_LIBRARY_PATH="$sysroot/lib/$t:$sysroot/usr/lib/$t" dpkg-shlibdeps --admindir="$(sysroot_admindir "$sysroot")")
  else
    shlibdeps+=(dpkg-shlibdeps)
  fi
  (cd "$pkg" && DEB_HOST_ARCH=$a "${shlibdeps[@]}" -Tdebian/substvars "$stage/usr/bin/declouder" 2>&1 \
      | grep -v 'binaries to analyze should already be installed' >&2 || true
   [ -s debian/substvars ] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
   DEB_HOST_ARCH=$a dpkg-gencontrol -pdeclouder -Tdebian/substvars -P"$stage" -fdebian/files -DArchitecture="$a")
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
  say "$a: $(basename "$deb"): $(( $(stat -c %s "$deb") / 1024 )) kB, installed $(dpkg-deb -f "$deb" Installed-Size) kB"
  say "$a: Depends: $(dpkg-deb -f "$deb" Depends)"
}

# lint ARCH: lintian, with the tags deploy/README.md explains overridden in deploy/debian/.
lint() {
  local deb=$ROOT/dist/declouder_${VERSION}_$1.deb out rc=0
  out=$(lintian --fail-on warning --suppress-tags-from-file deploy/debian/lintian-explained "$deb" 2>&1) || rc=$?
  out=$(grep -v '^running with root privileges is not recommended!$' <<<"$out" || true)
  [ -z "$out" ] || echo "$out"
  [ $rc = 0 ] || { echo "package: lintian is not clean for $1 (deploy/README.md, \"lintian\")" >&2; exit 1; }
  say "$1: lintian clean"
}

# decode_check ARCH: the packaged program, run as the target machine would (qemu-user for a
# foreign ARCH), decodes a Mi Body Composition Scale 2 advertisement: 81.1 kg, 480 ohm, at
# 2026-12-01 07:15:30 (the frame's fields: control 0x0226, year 0x07ea LE, month, day, hour,
# minute, second, impedance 0x01e0 LE, weight 0x3f5c LE in 1/200 kg; docs/devices.md).
decode_check() {
  local a=$1 prog=${tree[$1]}/deb-stage/usr/bin/declouder runner=() out
  [ "$a" = "$build_arch" ] || runner=("$(qemu_of "$a")")
  ! uses_sysroot "$a" || runner=(env QEMU_LD_PREFIX="$(sysroot_of "$a")" "${runner[@]}")
  out=$("${runner[@]}" "$prog" decode --service-data 181b=0226ea070c01070f1ee0015c3f --address c8:47:8c:00:00:01 --json)
  case $out in
    *'"model":"xiaomi-mi-scale-2"'*'"weight_kg":81.1,"impedance_ohm":480,"stabilized":true,"device_time":"2026-12-01T07:15:30"'*)
      say "$a: ${runner[*]:+${runner[*]} }declouder decodes a Mi Scale 2 advert: $out" ;;
    *) echo "package: $a: the packaged program decoded the Mi Scale 2 advert wrongly: $out" >&2; exit 1 ;;
  esac
}

# unit_tests ARCH: the GoogleTest binaries of build-deb-ARCH, under qemu-user (CTest runs them
# through CMAKE_CROSSCOMPILING_EMULATOR). The command-line tests (tests/cli) need the build
# machine's brokers and buses and are not part of this.
unit_tests() {
  local a=$1
  say "$a: unit tests under $(qemu_of "$a")"
  local qemu_env=()  # qemu-user finds a sysroot's loader and libraries through QEMU_LD_PREFIX
  if uses_sysroot "$a"; then qemu_env=(QEMU_LD_PREFIX="$(sysroot_of "$a")"); fi
  (cd "${tree[$a]}" && env "${qemu_env[@]}" nice -n "$NICE" ctest -j"$JOBS" --timeout 600 -E '^(cli\.|layers$)' --output-on-failure) \
    | tee "${tree[$a]}/unit-tests.log" | tail -n 3
}

setup_tools
for a in "${arches[@]}"; do
  build "$a"
  package "$a"
  lint "$a"
  decode_check "$a"
  if [ $unit_tests = 1 ] && [ "$a" != "$build_arch" ]; then unit_tests "$a"; fi
done
ls -l dist/
