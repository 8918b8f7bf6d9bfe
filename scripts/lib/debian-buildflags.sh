# shellcheck shell=bash
# Sourced by scripts/build.sh and scripts/package.sh: the compiler and linker flags Debian builds
# its packages with, so that the tree the tests run on and the packages are built alike.
#
#   debian_buildflags [ARCH]    exports CFLAGS, CXXFLAGS (CPPFLAGS included) and LDFLAGS
#                               for ARCH (default: the build machine's)
#
# dpkg-buildflags (dpkg-dev) with every hardening feature on: -fstack-protector-strong,
# -D_FORTIFY_SOURCE=2, -Wformat -Werror=format-security, RELRO and BIND_NOW (-z relro -z now),
# PIE (gcc's default on Debian 12); -ffile-prefix-map=$PWD=. keeps the source path out of the
# binary, so call it from the source tree's root. CMake reads the result at configure time.
debian_buildflags() {
  local arch=${1:-$(dpkg --print-architecture)}
  eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all DEB_HOST_ARCH=$arch dpkg-buildflags --export=sh)"
  export CFLAGS="$CPPFLAGS $CFLAGS" CXXFLAGS="$CPPFLAGS $CXXFLAGS" LDFLAGS
}
