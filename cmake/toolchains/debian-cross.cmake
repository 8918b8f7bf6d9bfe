# Cross-compiling declouder for another Debian architecture with Debian's own cross toolchain
# (crossbuild-essential-<arch>) and the multiarch -dev packages (libsqlite3-dev:<arch>, ...),
# all installed by scripts/package.sh. Give the GNU triplet of the target:
#
#   cmake -S . -B build-deb/arm64 -G Ninja -DDEBIAN_TRIPLET=aarch64-linux-gnu \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/debian-cross.cmake
#
# The libraries come from / itself (/usr/lib/<triplet>, /usr/include), not from a sysroot:
# that is what Debian's multiarch layout is for. Programs built for the target (the man
# page is written by running `declouder --help`, the unit tests run through CTest) run under
# qemu-user-static, named here as CMAKE_CROSSCOMPILING_EMULATOR.
#
# Where multiarch cannot serve (armel: its -dev packages lag behind the build machine's), give
# the target's root file system as well, -DCMAKE_SYSROOT=DIR (scripts/lib/debian-sysroot.sh
# makes one): headers, libraries and .pc files then come from DIR only, and qemu-user finds the
# target's loader and libraries there through QEMU_LD_PREFIX (cmake/ManPage.cmake sets it; to
# run the tests: QEMU_LD_PREFIX=DIR ctest).
if(NOT DEBIAN_TRIPLET)
  message(FATAL_ERROR "cmake/toolchains/debian-cross.cmake needs -DDEBIAN_TRIPLET=<gnu triplet>")
endif()
# try_compile() projects re-read this file: hand the triplet on to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES DEBIAN_TRIPLET CMAKE_SYSROOT)

set(CMAKE_SYSTEM_NAME Linux)
string(REGEX MATCH "^[^-]+" _cpu "${DEBIAN_TRIPLET}")
set(CMAKE_SYSTEM_PROCESSOR ${_cpu})
set(CMAKE_C_COMPILER ${DEBIAN_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${DEBIAN_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${DEBIAN_TRIPLET})

# pkg-config must see the target's .pc files only.
if(NOT CMAKE_SYSROOT)
  find_program(_triplet_pkg_config ${DEBIAN_TRIPLET}-pkg-config)
endif()
if(CMAKE_SYSROOT)
  set(ENV{PKG_CONFIG_LIBDIR} "${CMAKE_SYSROOT}/usr/lib/${DEBIAN_TRIPLET}/pkgconfig:${CMAKE_SYSROOT}/usr/share/pkgconfig")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "${CMAKE_SYSROOT}")
elseif(_triplet_pkg_config)
  set(PKG_CONFIG_EXECUTABLE ${_triplet_pkg_config} CACHE FILEPATH "pkg-config for ${DEBIAN_TRIPLET}")
else()
  set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${DEBIAN_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
endif()

# qemu-<cpu>-static runs target programs on the build machine (the Debian cpu names differ
# from QEMU's in two places).
set(_qemu_cpu ${_cpu})
if(_cpu MATCHES "^arm")
  set(_qemu_cpu arm)
endif()
find_program(_qemu qemu-${_qemu_cpu}-static)
if(_qemu)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${_qemu})
endif()

# Headers and libraries of the target, but the build machine's programs.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
if(CMAKE_SYSROOT)
  set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
endif()
