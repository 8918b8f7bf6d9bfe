#!/usr/bin/env python3
"""Home Assistant's MQTT discovery rules, applied to a dump of the broker.

Reads `mosquitto_sub -v` lines ("TOPIC PAYLOAD"; the retained set of the
discovery prefix and of declouder's topics) and checks every discovery config
the way Home Assistant's MQTT integration reads it, then every state an entity
would show, as Home Assistant would show it. Written from Home Assistant core:
homeassistant/components/mqtt/discovery.py (topic pattern), abbreviations.py
(keys expanded before validation), schemas.py and entity.py (device, origin,
availability), sensor.py and homeassistant/components/sensor/const.py (device
class <-> unit <-> state class, timestamps, "None"); and how Domoticz's MQTT
autodiscovery (domoticz hardware/MQTTAutoDiscover.cpp) guesses a sensor type
from a config. docs/home-assistant.md describes what declouder publishes.

Usage: ha_conformance.py DUMP [--prefix homeassistant] [--require-states]
Prints one line per problem and exits 1 when there is any; prints a summary
line and exits 0 otherwise. --summary-json FILE writes what it read (configs
and the state each entity shows) for the calling test to assert on.
"""
import argparse
import json
import re
import sys
from datetime import datetime

# discovery.py TOPIC_MATCHER: <prefix>/<component>/[<node_id>/]<object_id>/config
COMPONENTS = {"sensor", "binary_sensor", "select", "button", "number", "text", "switch", "device_automation", "event"}
ID = r"[a-zA-Z0-9_-]+"

# abbreviations.py (the ones a sensor, select or binary sensor can carry)
ABBREVIATIONS = {
    "avty": "availability", "avty_mode": "availability_mode", "avty_t": "availability_topic",
    "cmd_t": "command_topic", "cmd_tpl": "command_template", "dev": "device", "dev_cla": "device_class",
    "def_ent_id": "default_entity_id", "ent_cat": "entity_category", "exp_aft": "expire_after",
    "frc_upd": "force_update", "ic": "icon", "json_attr_t": "json_attributes_topic",
    "json_attr_tpl": "json_attributes_template", "name": "name", "o": "origin", "obj_id": "object_id",
    "ops": "options", "pl_avail": "payload_available", "pl_not_avail": "payload_not_available",
    "pl_off": "payload_off", "pl_on": "payload_on", "pl_prs": "payload_press", "qos": "qos", "ret": "retain",
    "stat_cla": "state_class", "stat_t": "state_topic", "sug_dsp_prc": "suggested_display_precision",
    "uniq_id": "unique_id", "unit_of_meas": "unit_of_measurement", "val_tpl": "value_template",
    "en": "enabled_by_default", "t": "topic",
}
DEVICE_ABBREVIATIONS = {"cns": "connections", "ids": "identifiers", "mf": "manufacturer", "mdl": "model",
                        "mdl_id": "model_id", "sw": "sw_version", "hw": "hw_version", "sa": "suggested_area",
                        "cu": "configuration_url", "sn": "serial_number", "via_device": "via_device", "name": "name"}
ORIGIN_ABBREVIATIONS = {"sw": "sw_version", "url": "support_url", "name": "name"}
ORIGIN_KEYS = {"name", "sw_version", "support_url"}
DEVICE_KEYS = set(DEVICE_ABBREVIATIONS.values())

COMMON_KEYS = {"name", "unique_id", "default_entity_id", "object_id", "availability", "availability_mode",
               "availability_topic", "payload_available", "payload_not_available", "device", "origin",
               "entity_category", "icon", "enabled_by_default", "qos", "json_attributes_topic",
               "json_attributes_template", "encoding", "entity_picture", "platform"}
KEYS = {
    "sensor": COMMON_KEYS | {"state_topic", "device_class", "unit_of_measurement", "state_class",
                             "suggested_display_precision", "force_update", "value_template", "expire_after",
                             "last_reset_value_template", "options"},
    "binary_sensor": COMMON_KEYS | {"state_topic", "device_class", "payload_on", "payload_off", "force_update",
                                    "value_template", "expire_after", "off_delay"},
    "select": COMMON_KEYS | {"state_topic", "command_topic", "command_template", "options", "optimistic",
                             "retain", "value_template"},
    "button": COMMON_KEYS | {"command_topic", "command_template", "payload_press", "retain", "device_class"},
}

# sensor/const.py DEVICE_CLASS_UNITS and DEVICE_CLASS_STATE_CLASSES (those a body scale can meet)
UNITS = {
    "weight": {"g", "kg", "mg", "\u00b5g", "oz", "lb", "st"},
    "battery": {"%"},
    "duration": {"d", "h", "min", "s", "ms"},
    "energy": {"J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh", "cal", "kcal", "Mcal", "Gcal"},
    "timestamp": {None},
    "signal_strength": {"dB", "dBm"},
}
STATE_CLASSES = {
    "weight": {"measurement", "total", "total_increasing"},
    "battery": {"measurement"},
    "duration": {"measurement", "total", "total_increasing"},
    "energy": {"total", "total_increasing"},
    "timestamp": set(),
    "signal_strength": {"measurement"},
}
BINARY_DEVICE_CLASSES = {"connectivity", "battery", "problem", "running", "update", "presence"}
ENTITY_CATEGORIES = {"config", "diagnostic"}
# mqtt/const.py MQTT_ATTRIBUTES_BLOCKED: attributes Home Assistant refuses from json_attributes.
ATTRIBUTES_BLOCKED = {"assumed_state", "available", "device_class", "entity_category", "entity_picture",
                      "entity_registry_enabled_default", "extra_state_attributes", "force_update", "icon",
                      "friendly_name", "should_poll", "state", "supported_features", "unique_id",
                      "unit_of_measurement"}


def expand(d, table):
    return {table.get(k, k): v for k, v in d.items()}


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def parse_timestamp(text):
    """sensor.py: a timestamp state must be ISO 8601 with a time zone."""
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def domoticz_guess(config, state):
    """MQTTAutoDiscover.cpp GuessSensorTypeValue, in short: the unit first, then the value."""
    unit = config.get("unit_of_measurement")
    dc = config.get("device_class")
    if config["component"] == "binary_sensor":
        return "switch"
    if unit in ("A", "a"):
        return "ampere"
    if unit in ("V", "mV"):
        return "voltage"
    if unit in ("W", "kW"):
        return "usage"
    if unit == "%":
        return "percentage"
    if dc == "timestamp" or (state is not None and state != "None" and not is_number(state)):
        return "text"
    if unit in ("kg", "lb", "st", "g"):
        return "weight" if dc == "weight" else "custom"
    return "custom"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--prefix", default="homeassistant")
    ap.add_argument("--require-states", action="store_true",
                    help="every entity must have a retained state (values survive restarts)")
    ap.add_argument("--summary-json")
    args = ap.parse_args()

    retained = {}
    for line in open(args.dump, encoding="utf-8"):
        topic, _, payload = line.rstrip("\n").partition(" ")
        if topic:
            retained[topic] = payload

    problems = []
    topic_re = re.compile(rf"^{re.escape(args.prefix)}/({ID})/(?:({ID})/)?({ID})/config$")
    unique_ids, entity_ids, configs = {}, {}, {}
    for topic, payload in sorted(retained.items()):
        if not topic.startswith(args.prefix + "/") or not topic.endswith("/config"):
            continue
        where = topic
        m = topic_re.match(topic)
        if not m:
            problems.append(f"{where}: not a discovery topic <prefix>/<component>/[<node_id>/]<object_id>/config")
            continue
        component = m.group(1)
        if component not in COMPONENTS:
            problems.append(f"{where}: unknown component {component}")
            continue
        try:
            raw = json.loads(payload)
        except ValueError:
            problems.append(f"{where}: payload is not JSON")
            continue
        if not isinstance(raw, dict):
            problems.append(f"{where}: payload is not a JSON object")
            continue
        c = expand(raw, ABBREVIATIONS)
        c["component"] = component
        for k in sorted(set(c) - KEYS.get(component, COMMON_KEYS) - {"component"}):
            problems.append(f"{where}: key '{k}' is not in Home Assistant's {component} schema")
        if "object_id" in c:
            problems.append(f"{where}: object_id is deprecated since Home Assistant 2025.10 (default_entity_id)")
        uid = c.get("unique_id")
        if not uid:
            problems.append(f"{where}: no unique_id (the entity cannot be edited)")
        elif uid in unique_ids:
            problems.append(f"{where}: unique_id {uid} also in {unique_ids[uid]}")
        else:
            unique_ids[uid] = topic
        eid = c.get("default_entity_id")
        if eid is not None:
            if not re.fullmatch(rf"{component}\.[a-z0-9_]+", eid):
                problems.append(f"{where}: default_entity_id {eid!r} is not {component}.<lowercase id>")
            elif eid in entity_ids:
                problems.append(f"{where}: default_entity_id {eid} also in {entity_ids[eid]}")
            entity_ids[eid] = topic
        # origin: schemas.py MQTT_ORIGIN_INFO_SCHEMA; an invalid one voids the config.
        if "origin" in c:
            o = expand(c["origin"], ORIGIN_ABBREVIATIONS) if isinstance(c["origin"], dict) else None
            if o is None or "name" not in o or set(o) - ORIGIN_KEYS:
                problems.append(f"{where}: origin {c['origin']!r} takes name, sw_version, support_url only")
        # device: identifiers or connections; via_device a string.
        dev = c.get("device")
        if dev is not None:
            dev = expand(dev, DEVICE_ABBREVIATIONS)
            c["device"] = dev
            if set(dev) - DEVICE_KEYS:
                problems.append(f"{where}: device keys {sorted(set(dev) - DEVICE_KEYS)} unknown")
            if not dev.get("identifiers") and not dev.get("connections"):
                problems.append(f"{where}: device has neither identifiers nor connections")
            if "via_device" in dev and not isinstance(dev["via_device"], str):
                problems.append(f"{where}: via_device must be a string")
            for cn in dev.get("connections", []):
                if not (isinstance(cn, list) and len(cn) == 2):
                    problems.append(f"{where}: connection {cn!r} is not [type, id]")
            name = c.get("name")
            if isinstance(name, str) and dev.get("name") and name.lower().startswith(str(dev["name"]).lower()):
                problems.append(f"{where}: entity name {name!r} repeats the device name {dev['name']!r}")
        # availability
        if "availability" in c:
            av = c["availability"]
            if not isinstance(av, list) or not av or not all(isinstance(a, dict) and "topic" in a for a in av):
                problems.append(f"{where}: availability must be a list of {{topic: ...}}")
            if c.get("availability_mode", "latest") not in ("all", "any", "latest"):
                problems.append(f"{where}: availability_mode {c['availability_mode']!r}")
        if c.get("entity_category") not in (None, *ENTITY_CATEGORIES):
            problems.append(f"{where}: entity_category {c['entity_category']!r}")
        # sensor: device class <-> unit <-> state class
        if component == "sensor":
            dc, unit, sc = c.get("device_class"), c.get("unit_of_measurement"), c.get("state_class")
            if dc is not None:
                if dc not in UNITS:
                    problems.append(f"{where}: device_class {dc!r} is not one a scale's sensor may use")
                elif unit not in UNITS[dc]:
                    problems.append(f"{where}: unit {unit!r} is not allowed for device_class {dc}")
                elif sc is not None and sc not in STATE_CLASSES[dc]:
                    problems.append(f"{where}: state_class {sc} is not allowed for device_class {dc}")
            if sc not in (None, "measurement", "total", "total_increasing"):
                problems.append(f"{where}: state_class {sc!r}")
            if unit == "a":
                problems.append(f"{where}: unit 'a' (years are 'y' in Home Assistant; Domoticz reads amperes)")
            p = c.get("suggested_display_precision")
            if p is not None and (not isinstance(p, int) or p < 0):
                problems.append(f"{where}: suggested_display_precision {p!r}")
        if component == "binary_sensor" and c.get("device_class") not in (None, *BINARY_DEVICE_CLASSES):
            problems.append(f"{where}: binary_sensor device_class {c['device_class']!r}")
        if component == "select":
            if not isinstance(c.get("options"), list) or not c["options"]:
                problems.append(f"{where}: a select needs a list of options")
            if not c.get("command_topic"):
                problems.append(f"{where}: a select needs a command_topic")
        if component == "button" and not c.get("command_topic"):
            problems.append(f"{where}: a button needs a command_topic")
        configs[topic] = c

    # What each entity shows, read as Home Assistant reads it.
    shown = {}
    for topic, c in configs.items():
        st = c.get("state_topic")
        if not st:
            continue
        state = retained.get(st)
        shown[c.get("unique_id", topic)] = state
        if state is None:
            if args.require_states:
                problems.append(f"{topic}: no retained state on {st} (shows 'unknown' after a restart)")
            continue
        if c["component"] == "sensor":
            numeric = any(k in c for k in ("unit_of_measurement", "state_class", "suggested_display_precision"))
            if c.get("device_class") == "timestamp":
                if state != "None" and parse_timestamp(state) is None:
                    problems.append(f"{topic}: timestamp state {state!r} is not ISO 8601 with a time zone")
            elif numeric and state != "None" and not is_number(state):
                problems.append(f"{topic}: numeric sensor state {state!r} is not a number")
            p = c.get("suggested_display_precision")
            if p is not None and is_number(state) and "." in state and len(state.split(".")[1]) > p:
                problems.append(f"{topic}: state {state} has more decimals than its precision {p}")
            guess = domoticz_guess(c, state)
            if guess in ("ampere", "voltage", "usage"):
                problems.append(f"{topic}: Domoticz autodiscovery would make it a {guess} sensor")
            if c.get("unit_of_measurement") == "%" and guess != "percentage":
                problems.append(f"{topic}: Domoticz autodiscovery would not make it a percentage")
        if c["component"] == "binary_sensor" and state not in (c.get("payload_on", "ON"), c.get("payload_off", "OFF")):
            problems.append(f"{topic}: binary state {state!r} is neither payload_on nor payload_off")
        if c["component"] == "select" and state not in c.get("options", []) and state != "None":
            problems.append(f"{topic}: select state {state!r} is not one of its options")
        at = c.get("json_attributes_topic")
        if at and at in retained:
            try:
                attrs = json.loads(retained[at])
            except ValueError:
                attrs = None
            if not isinstance(attrs, dict):
                problems.append(f"{topic}: attributes on {at} are not a JSON object")
            else:
                for k in sorted(set(attrs) & ATTRIBUTES_BLOCKED):
                    problems.append(f"{topic}: attribute {k!r} is blocked by Home Assistant")
        for a in c.get("availability", []):
            if isinstance(a, dict) and retained.get(a.get("topic")) not in ("online", "offline"):
                problems.append(f"{topic}: availability topic {a.get('topic')} holds {retained.get(a.get('topic'))!r}")

    if args.summary_json:
        with open(args.summary_json, "w", encoding="utf-8") as f:
            json.dump({"configs": {t: c for t, c in configs.items()}, "states": shown,
                       "domoticz": {c.get("unique_id", t): domoticz_guess(c, retained.get(c.get("state_topic", "")))
                                    for t, c in configs.items()}}, f, indent=1, sort_keys=True)
    for p in problems:
        print("Home Assistant rule:", p)
    if problems:
        return 1
    print(f"{len(configs)} discovery configs and {sum(s is not None for s in shown.values())} states conform")
    return 0


if __name__ == "__main__":
    sys.exit(main())
