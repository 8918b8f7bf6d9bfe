#!/usr/bin/env bash
# Configures and builds declouder into build/ (Release with debug info), with the compiler and
# linker flags Debian's packages are built with (hardening on: scripts/lib/debian-buildflags.sh).
# The tests then test what ships, and scripts/package.sh --from-build build packages this very
# tree instead of compiling the program a second time.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/debian-buildflags.sh
debian_buildflags
# Given on every run, not only the first configure: a tree made by hand gets them too.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS" -DCMAKE_SHARED_LINKER_FLAGS="$LDFLAGS" >/dev/null
cmake --build build -j"$(nproc)"
