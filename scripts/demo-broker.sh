#!/usr/bin/env bash
# Writes the configuration of a private Mosquitto broker for the demo (scripts/run.sh) and
# the tests that try it, into DIR, and prints the port it will listen on:
#
#   port=$(scripts/demo-broker.sh build/demo)
#   mosquitto -c build/demo/mosquitto.conf &
#
# Health data goes through this broker, so other users of the machine must not read it:
#   - it listens on 127.0.0.1 only (nothing from the network);
#   - no anonymous clients: one user, "demo", whose password is random, made here, and kept
#     in DIR/mqtt-password (0600) for declouder ($DECLOUDER_MQTT_PASSWORD) and in
#     DIR/mosquitto_sub (0600, mosquitto_sub's option file: XDG_CONFIG_HOME=DIR
#     mosquitto_sub -t '#' -v) so it never appears on a command line (`ps` shows those);
#   - the broker's password file holds only its salted hash (mosquitto_passwd -U), 0600;
#   - an ACL gives "demo" the declouder and Home Assistant topics and nobody anything else.
# DIR itself is made 0700. Everything is made again each time (a new password each run).
set -euo pipefail
dir=${1:?usage: scripts/demo-broker.sh DIR}
umask 077
mkdir -p "$dir"
chmod 700 "$dir"
dir=$(realpath "$dir")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
printf '%s\n' "$password" > "$dir/mqtt-password"
printf 'demo:%s\n' "$password" > "$dir/passwd"
mosquitto_passwd -U "$dir/passwd"  # plain text to salted hashes, in place (no password in argv)
printf 'user demo\ntopic readwrite declouder/#\ntopic readwrite homeassistant/#\ntopic readwrite miscale/#\n' \
  > "$dir/acl"
cat > "$dir/mosquitto.conf" <<CONF
# Made by scripts/demo-broker.sh: loopback only, no anonymous clients, one user.
listener $port 127.0.0.1
# Run as whoever started it: started by root it would become "mosquitto", who may not read the 0600 files.
user $(id -un)
allow_anonymous false
password_file $dir/passwd
acl_file $dir/acl
CONF
printf -- '-h 127.0.0.1\n-p %s\n-u demo\n-P %s\n' "$port" "$password" > "$dir/mosquitto_sub"
chmod 600 "$dir/mqtt-password" "$dir/passwd" "$dir/acl" "$dir/mosquitto.conf" "$dir/mosquitto_sub"
echo "$port"
