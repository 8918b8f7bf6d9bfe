# The layers of declouder, bottom first: each is a folder of src/ and one static library,
# declouder_<layer>. A layer may use the layers it lists here and what they use, nothing
# above it and nothing beside it. CMakeLists.txt builds them in this order and refuses a
# dependency on a layer not yet defined; cmake/CheckLayers.cmake checks every #include.
set(DECLOUDER_LAYERS core capture link devices definitions body store radio mqtt outputs exports web sim gateway app)

set(DECLOUDER_LAYER_DEPENDS_core "")             # bytes, addresses, UUIDs, time, frames, readings, people
set(DECLOUDER_LAYER_DEPENDS_capture core)        # capture files; HCI/L2CAP/ATT decoding; the value finder
set(DECLOUDER_LAYER_DEPENDS_link core)           # GATT link, session runner, serial port, simulated-device API
set(DECLOUDER_LAYER_DEPENDS_devices core link)   # one descriptor per device: decoders, conversations, simulators
# Definition files (TOML, docs/definitions.md) made into devices at run time, and `capture
# learn`, which writes one from captures: it reads captures (capture), builds descriptors
# (devices) and plays their simulators (link). Only app uses it: every layer below it sees a
# definition as an ordinary DeviceDescriptor in a DeviceRegistry.
set(DECLOUDER_LAYER_DEPENDS_definitions core capture link devices)
set(DECLOUDER_LAYER_DEPENDS_body core)           # body composition, assignment rules
set(DECLOUDER_LAYER_DEPENDS_store core body devices)  # SQLite: schema, recorder, wearable tables
# The radios: BlueZ over D-Bus, ESPHome Bluetooth proxies over TCP. capture: an ESPHome
# node relays raw advertisements as AD structures, which capture/hci.hpp already parses.
set(DECLOUDER_LAYER_DEPENDS_radio core capture link)
set(DECLOUDER_LAYER_DEPENDS_mqtt core)           # the MQTT client and connection
set(DECLOUDER_LAYER_DEPENDS_outputs core body store mqtt)  # outputs know measurements, not the gateway
# Files people take anywhere (FIT, openScale CSV, CSV, JSON): they know measurements (and
# the measurement JSON of outputs), not where they are stored, so they sit beside outputs.
set(DECLOUDER_LAYER_DEPENDS_exports core outputs)
# The local web page and its /api/: reads and assigns through the store like the commands,
# writes the measurement JSON of outputs and offers the files of exports for download. Not
# the gateway's: `run` serves it beside the gateway (src/app/cmd_run.cpp), on its own
# connection to the database.
set(DECLOUDER_LAYER_DEPENDS_web core body store outputs exports)
set(DECLOUDER_LAYER_DEPENDS_sim core link devices radio)   # hosts for simulated devices: fake org.bluez, peripheral
set(DECLOUDER_LAYER_DEPENDS_gateway core capture link devices body store radio mqtt outputs sim)
set(DECLOUDER_LAYER_DEPENDS_app core capture link devices definitions body store radio mqtt outputs exports web sim gateway)

# The layers `layer` may include from (itself and everything it depends on, transitively).
function(declouder_layer_closure layer out)
  set(seen ${layer})
  set(todo ${DECLOUDER_LAYER_DEPENDS_${layer}})
  while(todo)
    list(POP_FRONT todo next)
    if(NOT next IN_LIST seen)
      list(APPEND seen ${next})
      list(APPEND todo ${DECLOUDER_LAYER_DEPENDS_${next}})
    endif()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()
