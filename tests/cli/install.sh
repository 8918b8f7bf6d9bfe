#!/usr/bin/env bash
# `cmake --install` as a packager runs it (into DESTDIR, with this build's prefix): every file in
# its place, the unit pointing at the installed program and config, the config
# not world-readable, a man page with a section for every command the program lists, and the
# unit, sysusers.d and tmpfiles.d files accepted by systemd's own tools.
source "$(dirname "$0")/lib/common.sh"

# This build's own prefix (a default tree: /usr/local).
dest=$WORKDIR/default
DESTDIR=$dest cmake --install "$BUILD_DIR" >/dev/null
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD_DIR/CMakeCache.txt")
root=$dest$prefix
[ -x "$root/bin/declouder" ] || fail "no $prefix/bin/declouder"
unit=$(find "$dest" -name declouder.service)
[ -n "$unit" ] || fail "no declouder.service installed"
grep -qx "ExecStart=$prefix/bin/declouder run --config .*/declouder/config.toml --database /var/lib/declouder/declouder.db" "$unit" \
  || fail "ExecStart does not run the installed program: $(grep ExecStart "$unit")"
config=$(grep -o -- '--config [^ ]*' "$unit" | cut -d' ' -f2)
[ -f "$dest$config" ] || fail "the unit's config $config is not installed"
[ "$(stat -c %a "$dest$config")" = 640 ] || fail "$config is $(stat -c %a "$dest$config"), not 0640 (it may hold a password)"
for f in lib/sysusers.d/declouder.conf lib/tmpfiles.d/declouder.conf share/dbus-1/system.d/declouder-bluez.conf \
         share/man/man1/declouder.1 share/doc/declouder/examples/config.toml; do
  [ -s "$root/$f" ] || fail "no $prefix/$f"
done

# The same tree installed under another prefix, as scripts/package.sh --from-build stages the
# package from the tested build/: the unit, the config and the unit's paths follow --prefix
# (under /usr: /etc, not /usr/etc, and systemd's own unit directory), nothing is configured again.
usr=$WORKDIR/usr
DESTDIR=$usr cmake --install "$BUILD_DIR" --prefix /usr >/dev/null
[ -x "$usr/usr/bin/declouder" ] || fail "--prefix /usr: no /usr/bin/declouder"
usr_unit=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
[ -f "$usr$usr_unit/declouder.service" ] || fail "--prefix /usr: no $usr_unit/declouder.service: $(cd "$usr" && find . -name declouder.service)"
grep -qx "ExecStart=/usr/bin/declouder run --config /etc/declouder/config.toml --database /var/lib/declouder/declouder.db" \
  "$usr$usr_unit/declouder.service" || fail "--prefix /usr: $(grep ExecStart "$usr$usr_unit/declouder.service")"
[ "$(stat -c %a "$usr/etc/declouder/config.toml" 2>/dev/null)" = 640 ] || fail "--prefix /usr: no 0640 /etc/declouder/config.toml"
[ ! -e "$usr/usr/etc" ] || fail "--prefix /usr installed into /usr/etc"
[ -s "$usr/usr/share/doc/declouder/examples/config.toml" ] || fail "--prefix /usr: no /usr/share/doc/declouder/examples/config.toml"
# ... and installing with the configured prefix again is as before (nothing of /usr stuck).
again=$WORKDIR/again
DESTDIR=$again cmake --install "$BUILD_DIR" >/dev/null
grep -qx "ExecStart=$prefix/bin/declouder run --config .*/declouder/config.toml .*" "$(find "$again" -name declouder.service)" \
  || fail "after installing under /usr the default install's unit says: $(grep -rh ExecStart "$again")"

# The man page: one section per command of `declouder --help`, and each command's options.
man=$root/share/man/man1/declouder.1
while read -r cmd; do
  grep -qF ".SS \"declouder $cmd\"" "$man" || fail "the man page has no section for 'declouder $cmd'"
done < <("$DECLOUDER" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\( [a-z-]*\)\?\)  .*/\1/p')
grep -qF -- '\-\-stop\-timeout' "$man" || fail "the man page lacks run's --stop-timeout"
if command -v man >/dev/null; then
  warnings=$(MANWIDTH=80 man --warnings -l "$man" 2>&1 >/dev/null || true)
  [ -z "$warnings" ] || fail "groff warns about the man page: $warnings"
fi

# systemd's tools accept the files (they parse them as the package's postinst and boot do).
if command -v systemd-analyze >/dev/null; then
  out=$(systemd-analyze verify --man=no "$unit" 2>&1 | grep -v "executable path is not absolute\|Failed to prepare filename\|Command .* is not executable\|not found" || true)
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
fi
# In a scratch root: systemd-sysusers makes the user (in group bluetooth), then systemd-tmpfiles
# makes its state directory, as at install time and at boot.
sysroot=$WORKDIR/sysroot
if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null && [ "$(id -u)" = 0 ]; then
  mkdir -p "$sysroot/etc" "$sysroot/var/lib"
  systemd-sysusers --root="$sysroot" "$root/lib/sysusers.d/declouder.conf" >"$WORKDIR/sysusers.out" 2>&1 \
    || fail "systemd-sysusers rejects declouder.conf: $(cat "$WORKDIR/sysusers.out")"
  grep -q '^declouder:x:[0-9]*:[0-9]*:declouder gateway:/var/lib/declouder:/usr/sbin/nologin$' "$sysroot/etc/passwd" \
    || fail "systemd-sysusers made no user declouder: $(cat "$sysroot/etc/passwd")"
  grep -q '^bluetooth:x:[0-9]*:declouder$' "$sysroot/etc/group" || fail "declouder is not in group bluetooth: $(cat "$sysroot/etc/group")"
  systemd-tmpfiles --root="$sysroot" --create "$root/lib/tmpfiles.d/declouder.conf" >"$WORKDIR/tmpfiles.out" 2>&1 \
    || fail "systemd-tmpfiles rejects declouder.conf: $(cat "$WORKDIR/tmpfiles.out")"
  uid=$(awk -F: '$1 == "declouder" {print $3}' "$sysroot/etc/passwd")
  [ "$(stat -c %u:%a "$sysroot/var/lib/declouder")" = "$uid:750" ] \
    || fail "/var/lib/declouder is $(stat -c %u:%a "$sysroot/var/lib/declouder"), not declouder's 0750"
fi
pass
