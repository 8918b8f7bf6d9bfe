#!/bin/bash
# The add-on's entry point: writes the options (/data/options.json) and the broker into
# /data/config.toml, then runs the gateway with its database in /data (the add-on's persistent
# storage, kept across updates and in Home Assistant's backups). Arguments are handed on to
# `declouder run` (the Supervisor gives none; scripts/container-test.sh does).
#
# Plain bash and jq, no bashio: the same script runs on Home Assistant's base image and on a
# plain Debian one (scripts/container-test.sh). The broker is the `mqtt_url` option when it is
# set, else the Supervisor's MQTT service (the Mosquitto add-on), asked over the Supervisor's
# API as bashio would: GET http://supervisor/services/mqtt with the add-on's SUPERVISOR_TOKEN
# (https://developers.home-assistant.io/docs/api/supervisor/endpoints, "Services").
set -euo pipefail
DATA=${DECLOUDER_ADDON_DATA:-/data}
CONFIG=$DATA/config.toml
OPTIONS=$DATA/options.json
log() { echo "[declouder add-on] $*" >&2; }
[ -f "$OPTIONS" ] || { log "no $OPTIONS: the Supervisor writes it from the add-on's options"; exit 1; }
opt() { jq -r --arg k "$1" '.[$k] // empty' "$OPTIONS"; }
toml_string() { jq -Rn --arg v "$1" '$v'; }  # a JSON string is a valid TOML basic string

# The Supervisor's token: in the environment, or where s6-overlay keeps the container's
# environment (Home Assistant's base images run the command through it).
token=${SUPERVISOR_TOKEN:-$(cat /run/s6/container_environment/SUPERVISOR_TOKEN 2>/dev/null || true)}
mqtt_url=$(opt mqtt_url) mqtt_user=$(opt mqtt_username) mqtt_password=$(opt mqtt_password)
if [ -z "$mqtt_url" ] && [ -n "$token" ]; then
  if service=$(curl -fsS -H "Authorization: Bearer $token" http://supervisor/services/mqtt 2>/dev/null) \
     && [ "$(jq -r '.result' <<<"$service")" = ok ]; then
    scheme=mqtt
    [ "$(jq -r '.data.ssl // false' <<<"$service")" = true ] && scheme=mqtts
    mqtt_url="$scheme://$(jq -r '.data.host' <<<"$service"):$(jq -r '.data.port' <<<"$service")"
    mqtt_user=$(jq -r '.data.username // empty' <<<"$service")
    mqtt_password=$(jq -r '.data.password // empty' <<<"$service")
  fi
fi

umask 077  # the config holds the broker's password
{
  echo "# Written by the declouder add-on from its options at every start: edit the options."
  echo "[gateway]"
  gateway_id=$(opt gateway_id)
  if [ -n "$gateway_id" ]; then echo "id = $(toml_string "$gateway_id")"; fi
  # Simulated devices instead of the radio (to try the add-on without a scale).
  jq -r 'if (.simulate // []) | length > 0 then "simulate = \(.simulate | tojson)" else empty end' "$OPTIONS"
  if [ -n "$mqtt_url" ]; then
    echo "[mqtt]"
    echo "url = $(toml_string "$mqtt_url")"
    if [ -n "$mqtt_user" ]; then echo "username = $(toml_string "$mqtt_user")"; fi
    if [ -n "$mqtt_password" ]; then echo "password = $(toml_string "$mqtt_password")"; fi
  else
    log "no broker (no mqtt_url option, no MQTT service from the Supervisor): weighings are only stored"
  fi
  # One [[person]] table per person; strings quoted, the birth date a TOML date.
  jq -r '.people[]? | "[[person]]",
      "name = \(.name | tojson)", "sex = \(.sex | tojson)", "birth_date = \(.birth_date)",
      "height_cm = \(.height_cm)",
      (if .unit then "unit = \(.unit | tojson)" else empty end),
      (if .weight_min then "weight_min = \(.weight_min)" else empty end),
      (if .weight_max then "weight_max = \(.weight_max)" else empty end),
      (if .scale_user then "scale_user = \(.scale_user)" else empty end)' "$OPTIONS"
  jq -r '.extra_toml // empty' "$OPTIONS"
} > "$CONFIG.new"
mv "$CONFIG.new" "$CONFIG"

log "starting $(declouder --version)${mqtt_url:+, publishing to $mqtt_url}"
exec declouder run --config "$CONFIG" --database "$DATA/declouder.db" "$@"
