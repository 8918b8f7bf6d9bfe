#!/usr/bin/with-contenv bashio
# The add-on's entry point: writes the options (/data/options.json) and the Supervisor's MQTT
# service into /data/config.toml, then runs the gateway with its database in /data (the
# add-on's persistent storage, kept across updates and in Home Assistant's backups).
set -e
CONFIG=/data/config.toml
OPTIONS=/data/options.json

toml_string() { jq -Rn --arg v "$1" '$v'; }  # a JSON string is a valid TOML basic string

{
  echo "# Written by the declouder add-on from its options at every start: edit the options."
  echo "[gateway]"
  gateway_id=$(bashio::config 'gateway_id')
  if bashio::var.has_value "${gateway_id}"; then echo "id = $(toml_string "${gateway_id}")"; fi
  if bashio::services.available mqtt; then
    scheme=mqtt
    if bashio::var.true "$(bashio::services mqtt 'ssl')"; then scheme=mqtts; fi
    echo "[mqtt]"
    echo "url = $(toml_string "${scheme}://$(bashio::services mqtt 'host'):$(bashio::services mqtt 'port')")"
    echo "username = $(toml_string "$(bashio::services mqtt 'username')")"
    echo "password = $(toml_string "$(bashio::services mqtt 'password')")"
  else
    bashio::log.warning "No MQTT service: weighings are only stored (install the Mosquitto add-on)"
  fi
  # One [[person]] table per person; strings quoted, the birth date a TOML date.
  jq -r '.people[]? | "[[person]]",
      "name = \(.name | tojson)", "sex = \(.sex | tojson)", "birth_date = \(.birth_date)",
      "height_cm = \(.height_cm)",
      (if .unit then "unit = \(.unit | tojson)" else empty end),
      (if .weight_min then "weight_min = \(.weight_min)" else empty end),
      (if .weight_max then "weight_max = \(.weight_max)" else empty end),
      (if .scale_user then "scale_user = \(.scale_user)" else empty end)' "${OPTIONS}"
  jq -r '.extra_toml // empty' "${OPTIONS}"
} > "${CONFIG}.new"
chmod 0600 "${CONFIG}.new"
mv "${CONFIG}.new" "${CONFIG}"

bashio::log.info "Starting declouder $(declouder --version | cut -d' ' -f2)"
exec declouder run --config "${CONFIG}" --database /data/declouder.db
