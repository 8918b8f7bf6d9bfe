# What `cmake --install` puts where: the one list of installed files. The Debian packages
# (scripts/package.sh) are this install, into a staging tree, with prefix /usr:
#
#   <prefix>/bin/declouder                         the program
#   <prefix>/share/man/man1/declouder.1            its man page, written from every --help
#   <prefix>/share/declouder/                      data the program reads at run time (below)
#   <prefix>/share/doc/declouder/                  README, docs/*.md, examples/config.toml
#   <sysconfdir>/declouder/config.toml             the service's config (deploy/config.toml)
#   <unitdir>/declouder.service                    the systemd unit, not enabled by installing
#   <prefix>/lib/sysusers.d/declouder.conf         the service user "declouder"
#   <prefix>/lib/tmpfiles.d/declouder.conf         its state directory /var/lib/declouder
#   <dbus policy dir>/declouder-bluez.conf         what that user may ask BlueZ
#
# With prefix /usr, <sysconfdir> is /etc and <unitdir> is systemd's own (/lib/systemd/system on
# Debian 12); with /usr/local they are /usr/local/etc and /usr/local/lib/systemd/system, which
# systemd reads too. Those two, and the unit's paths to the program and its config, are decided
# when installing, from the prefix `cmake --install` is given (cmake/InstallService.cmake): one
# build tree installs right under /usr/local by hand and under /usr into the package's staging
# tree (scripts/package.sh --from-build), without being configured again.
# D-Bus reads /usr/share/dbus-1/system.d and /etc/dbus-1/system.d only:
# under another prefix pass -DDECLOUDER_DBUS_POLICY_DIR=/etc/dbus-1/system.d (or rely on
# Debian's policy for the bluetooth group, which the service user is in).
include(GNUInstallDirs)

# systemd's own unit directory, used when installing under /usr (pkg-config's systemd.pc).
set(_unitdir "")
pkg_get_variable(_unitdir systemd systemdsystemunitdir)
if(NOT _unitdir)
  set(_unitdir /lib/systemd/system)
endif()
# (A tree configured before the unit's directory was chosen at install time has that old
#  choice cached, made for its configure-time prefix: it is forgotten once.)
get_property(_help CACHE DECLOUDER_SYSTEMD_UNIT_DIR PROPERTY HELPSTRING)
if(_help STREQUAL "where the systemd unit is installed")
  unset(DECLOUDER_SYSTEMD_UNIT_DIR CACHE)
endif()
set(DECLOUDER_SYSTEMD_UNIT_DIR "" CACHE PATH
    "where the systemd unit is installed (empty: systemd's own under prefix /usr, else <prefix>/lib/systemd/system)")
set(DECLOUDER_DBUS_POLICY_DIR ${CMAKE_INSTALL_DATADIR}/dbus-1/system.d CACHE PATH
    "where the D-Bus policy for BlueZ is installed")
# Data the program reads at run time; a layer that brings some installs it under here.
set(DECLOUDER_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/declouder)

install(TARGETS declouder RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# --- data read at run time: one line per kind, under ${DECLOUDER_INSTALL_DATADIR} -------------
# (nothing yet: the simulators and the devices are compiled in. A web layer's assets would be
#  install(DIRECTORY ${CMAKE_SOURCE_DIR}/src/web/assets/ DESTINATION ${DECLOUDER_INSTALL_DATADIR}/web)
#  and the program finds them relative to its own path: ../share/declouder/web.)

# --- the man page: every command's --help, so it cannot drift from the program -------------
# A cross build runs the target's program under CMAKE_CROSSCOMPILING_EMULATOR (qemu-user).
set(DECLOUDER_MAN_PAGE ${CMAKE_BINARY_DIR}/man/declouder.1)
add_custom_command(OUTPUT ${DECLOUDER_MAN_PAGE}
  COMMAND ${CMAKE_COMMAND} "-DPROGRAM=$<TARGET_FILE:declouder>"
          "-DEMULATOR=${CMAKE_CROSSCOMPILING_EMULATOR}" "-DSYSROOT=${CMAKE_SYSROOT}" -DVERSION=${PROJECT_VERSION}
          -DOUTPUT=${DECLOUDER_MAN_PAGE} -P ${CMAKE_SOURCE_DIR}/cmake/ManPage.cmake
  DEPENDS declouder ${CMAKE_SOURCE_DIR}/cmake/ManPage.cmake
  COMMENT "Writing the man page from declouder --help"
  VERBATIM)
add_custom_target(declouder_man ALL DEPENDS ${DECLOUDER_MAN_PAGE})
install(FILES ${DECLOUDER_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# --- documentation -------------------------------------------------------------------------
set(DECLOUDER_DOCDIR ${CMAKE_INSTALL_DATADIR}/doc/declouder)
file(GLOB _docs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${_docs} DESTINATION ${DECLOUDER_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/deploy/README.md DESTINATION ${DECLOUDER_DOCDIR} RENAME service.md)
install(FILES ${CMAKE_SOURCE_DIR}/config/example.toml DESTINATION ${DECLOUDER_DOCDIR}/examples
        RENAME config.toml)

# --- the service ---------------------------------------------------------------------------
install(FILES ${CMAKE_SOURCE_DIR}/deploy/sysusers.d/declouder.conf DESTINATION lib/sysusers.d)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/tmpfiles.d/declouder.conf DESTINATION lib/tmpfiles.d)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/declouder-bluez.conf DESTINATION ${DECLOUDER_DBUS_POLICY_DIR})
# The unit (its ExecStart names the installed program and config) and the config, under the
# install-time prefix. The config may hold the broker's password: not world-readable (0640);
# the service reads it through its group, declouder (the package's postinst gives the file to
# it; by hand: chgrp declouder).
install(CODE "
  set(DECLOUDER_SERVICE_IN \"${CMAKE_SOURCE_DIR}/deploy/declouder.service.in\")
  set(DECLOUDER_SERVICE_OUT \"${CMAKE_BINARY_DIR}/deploy/declouder.service\")
  set(DECLOUDER_CONFIG_FILE \"${CMAKE_SOURCE_DIR}/deploy/config.toml\")
  set(DECLOUDER_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(DECLOUDER_SYSCONFDIR \"${CMAKE_INSTALL_SYSCONFDIR}\")
  set(DECLOUDER_UNIT_DIR \"${DECLOUDER_SYSTEMD_UNIT_DIR}\")
  set(DECLOUDER_SYSTEMD_UNIT_DIR_USR \"${_unitdir}\")
")
install(SCRIPT ${CMAKE_SOURCE_DIR}/cmake/InstallService.cmake)
