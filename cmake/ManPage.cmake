# Writes declouder(1) from the program itself: `declouder --help` gives the description and the
# list of commands, and each command's `declouder COMMAND --help` becomes its section, so the
# page says exactly what the installed program does. Run by the declouder_man target
# (cmake/Install.cmake):
#   cmake -DPROGRAM=build/declouder [-DEMULATOR=qemu-aarch64-static [-DSYSROOT=DIR]]
#         -DVERSION=0.1.0 -DOUTPUT=build/man/declouder.1 -P cmake/ManPage.cmake
# SYSROOT: the target's root file system of a sysroot cross build, where qemu-user finds the
# target's loader and libraries (QEMU_LD_PREFIX).
foreach(v PROGRAM VERSION OUTPUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "ManPage.cmake needs -D${v}=...")
  endif()
endforeach()

if(SYSROOT)
  set(ENV{QEMU_LD_PREFIX} "${SYSROOT}")
endif()

function(help out)  # help(out [COMMAND WORDS...]): the program's --help text
  execute_process(COMMAND ${EMULATOR} ${PROGRAM} ${ARGN} --help
                  OUTPUT_VARIABLE text RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "'declouder ${ARGN} --help' failed (${rc}): ${err}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# roff: a backslash is \e; a line may not start with . or ' (a request); - is \- in options.
function(roff out text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

help(top)
string(REGEX MATCH "^[^\n]*" first_line "${top}")
string(REGEX REPLACE "^declouder [^:]*: *" "" tagline "${first_line}")
string(REGEX REPLACE "\\.$" "" tagline "${tagline}")
# The description: the lines between the first line and "Usage:".
string(REGEX MATCH "\n(.*)\nUsage:" _ "${top}")
string(STRIP "${CMAKE_MATCH_1}" description)
# The commands: "  name [word]   summary" lines after "Commands:".
string(REGEX MATCH "Commands:\n(.*)" _ "${top}")
string(REPLACE ";" "<semicolon>" lines "${CMAKE_MATCH_1}")  # not a CMake list separator
string(REPLACE "\n" ";" lines "${lines}")
set(commands "")
foreach(line ${lines})
  if(line MATCHES "^  ([a-z][a-z-]*( [a-z][a-z-]*)?)  +(.*)$")
    list(APPEND commands "${CMAKE_MATCH_1}")
    string(REPLACE "<semicolon>" ";" summary "${CMAKE_MATCH_3}")
    set(summary_${CMAKE_MATCH_1} "${summary}")
  endif()
endforeach()
list(LENGTH commands n)
if(n LESS 5)
  message(FATAL_ERROR "ManPage.cmake found ${n} commands in 'declouder --help':\n${top}")
endif()

roff(tagline_r "${tagline}")
roff(description_r "${description}")
set(page ".\\\" declouder(1), written by cmake/ManPage.cmake from the program's --help texts.
.TH DECLOUDER 1 \"\" \"declouder ${VERSION}\" \"User Commands\"
.SH NAME
declouder \\- ${tagline_r}
.SH SYNOPSIS
.B declouder
.I COMMAND
.RI [ OPTIONS ]
.br
.B declouder
.I COMMAND
.B \\-\\-help
.SH DESCRIPTION
${description_r}
.PP
The gateway, \\fBdeclouder run\\fR, is what the systemd unit \\fBdeclouder.service\\fR runs.
.SH COMMANDS
")
foreach(cmd ${commands})
  string(REPLACE " " ";" words "${cmd}")
  help(text ${words})
  string(STRIP "${text}" text)
  roff(text_r "${text}")
  roff(summary_r "${summary_${cmd}}")
  string(APPEND page ".SS \"declouder ${cmd}\"\n${summary_r}.\n.PP\n.nf\n${text_r}\n.fi\n")
endforeach()
string(APPEND page ".SH FILES
.TP
.I /etc/declouder/config.toml
The service's configuration (TOML): people, gateway, MQTT, Domoticz. Every key is documented in
.IR /usr/share/doc/declouder/examples/config.toml .
.TP
.I ~/.config/declouder/config.toml
The configuration when \\fB\\-\\-config\\fR is not given.
.TP
.I /var/lib/declouder/declouder.db
The service's SQLite database (the commands' default is
.IR ~/.local/share/declouder/declouder.db ).
.SH EXIT STATUS
0 on success, 1 when the command failed (a message says why), 2 for a mistake on the command line.
.SH SEE ALSO
.BR systemctl (1),
.BR journalctl (1),
.BR mosquitto_sub (1);
.I /usr/share/doc/declouder/
")
file(WRITE "${OUTPUT}" "${page}")
