# Installs the systemd unit and the service's config under the prefix `cmake --install` is
# running with (CMAKE_INSTALL_PREFIX here is --prefix's, or the configured one): run by the
# install(SCRIPT) of cmake/Install.cmake, which sets the DECLOUDER_* variables before it.
#
# GNUInstallDirs' rule for the config directory, at install time: an absolute sysconfdir is
# taken as it is; under /usr a relative "etc" is /etc (not /usr/etc); elsewhere <prefix>/etc.
# The unit goes to systemd's own directory under /usr, to <prefix>/lib/systemd/system elsewhere
# (systemd reads /usr/local/lib/systemd/system too), or where DECLOUDER_SYSTEMD_UNIT_DIR says.
set(_prefix "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "(.)/+$" "\\1" _prefix "${_prefix}")
if(IS_ABSOLUTE "${DECLOUDER_SYSCONFDIR}")
  set(_sysconfdir "${DECLOUDER_SYSCONFDIR}")
elseif(_prefix STREQUAL "/usr" AND DECLOUDER_SYSCONFDIR STREQUAL "etc")
  set(_sysconfdir /etc)
else()
  set(_sysconfdir "${_prefix}/${DECLOUDER_SYSCONFDIR}")
endif()
if(DECLOUDER_UNIT_DIR)
  set(_unitdir "${DECLOUDER_UNIT_DIR}")
elseif(_prefix STREQUAL "/usr")
  set(_unitdir "${DECLOUDER_SYSTEMD_UNIT_DIR_USR}")
else()
  set(_unitdir lib/systemd/system)
endif()
if(NOT IS_ABSOLUTE "${_unitdir}")
  set(_unitdir "${_prefix}/${_unitdir}")
endif()

set(DECLOUDER_BINARY "${_prefix}/${DECLOUDER_BINDIR}/declouder")
set(DECLOUDER_CONFIG "${_sysconfdir}/declouder/config.toml")
configure_file("${DECLOUDER_SERVICE_IN}" "${DECLOUDER_SERVICE_OUT}" @ONLY)
# file(INSTALL) puts DESTDIR in front and records the files in install_manifest.txt.
file(INSTALL DESTINATION "${_unitdir}" TYPE FILE FILES "${DECLOUDER_SERVICE_OUT}")
file(INSTALL DESTINATION "${_sysconfdir}/declouder" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ FILES "${DECLOUDER_CONFIG_FILE}")
