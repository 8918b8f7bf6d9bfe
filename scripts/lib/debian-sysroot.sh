# shellcheck shell=bash
# Sourced by scripts/package.sh: a Debian 12 root file system of another architecture, to
# cross-compile against (CMAKE_SYSROOT) where multiarch cannot serve. Multiarch -dev packages
# must have exactly the build machine's versions, and armel's lag behind amd64's (armel's
# libssl3, linux-libc-dev, ... are older on the mirror: apt "held broken packages"); a sysroot
# has its own, consistent set.
#
#   debian_sysroot ARCH DIR PACKAGE...   makes DIR (once) from bookworm: the buildd set
#                                        (libc6-dev, libstdc++-12-dev, ...) and PACKAGEs
#   sysroot_admindir DIR                 prints a dpkg database of DIR's packages whose file
#                                        lists name their paths under DIR, for dpkg-shlibdeps
#                                        --admindir (with LD_LIBRARY_PATH=DIR/lib/TRIPLET:
#                                        DIR/usr/lib/TRIPLET, where it looks for the libraries)
#
# No binfmt_misc is needed (this build machine has none): debootstrap --foreign only downloads
# and unpacks; every package is then unpacked into DIR with dpkg-deb (keeping directory
# symlinks), never configured. Nothing in DIR is ever run, except by qemu-user with
# QEMU_LD_PREFIX=DIR.
debian_sysroot() {
  local arch=$1 dir=$2; shift 2
  [ -e "$dir/.done" ] && return 0
  local mirror
  mirror=${MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)}
  mirror=${mirror:-http://deb.debian.org/debian}
  local include
  include=$(IFS=,; echo "$*")
  echo "package: $arch: debootstrapping a $arch sysroot into $dir (once; from $mirror)"
  rm -rf "$dir.tmp" && mkdir -p "$(dirname "$dir")"
  debootstrap --arch="$arch" --foreign --variant=buildd --include="$include" bookworm "$dir.tmp" "$mirror" \
    >"$dir.log" 2>&1 || { tail -20 "$dir.log" >&2; echo "package: $arch: debootstrap failed ($dir.log)" >&2; return 1; }
  local deb
  for deb in "$dir.tmp"/var/cache/apt/archives/*.deb; do
    dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$dir.tmp"
  done
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  touch "$dir/.done"
}

sysroot_admindir() {
  local dir=$1 admin=$1/.shlibdeps-admin deb pkg arch
  if [ ! -e "$admin/.done" ]; then
    rm -rf "$admin" && mkdir -p "$admin/info" "$admin/updates" "$admin/triggers"
    : > "$admin/status"
    # The multiarch layout of info/ (PACKAGE:ARCH.list), and the sysroot's architecture.
    echo 1 > "$admin/info/format"
    dpkg-deb -f "$(ls "$dir"/var/cache/apt/archives/libc6_*.deb | head -n1)" Architecture > "$admin/arch"
    for deb in "$dir"/var/cache/apt/archives/*.deb; do
      pkg=$(dpkg-deb -f "$deb" Package) arch=$(dpkg-deb -f "$deb" Architecture)
      # Multi-Arch: same packages are known to dpkg as PACKAGE:ARCH.
      [ "$(dpkg-deb -f "$deb" Multi-Arch)" = same ] && pkg=$pkg:$arch
      { dpkg-deb -f "$deb"; echo "Status: install ok installed"; echo; } >> "$admin/status"
      # Every path as packaged, and under usr/ as well for a sysroot with a merged /usr.
      dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./|/|; s|/$||' | grep -v '^/$' \
        | sed "s|^|$dir|; p; s|^$dir/lib/|$dir/usr/lib/|" | sort -u > "$admin/info/$pkg.list"
      local ctl
      ctl=$(mktemp -d)
      dpkg-deb -e "$deb" "$ctl"
      for f in symbols shlibs; do [ ! -f "$ctl/$f" ] || cp "$ctl/$f" "$admin/info/$pkg.$f"; done
      rm -rf "$ctl"
    done
    touch "$admin/.done"
  fi
  echo "$admin"
}
