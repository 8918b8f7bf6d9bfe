#include "store/device_memory_store.hpp"

#include "core/time.hpp"

namespace declouder {

std::shared_ptr<DeviceMemory> load_device_memory(Database& db, const MacAddress& device) {
  std::map<std::string, Bytes> values;
  auto st = db.prepare("SELECT key, value FROM device_memory WHERE address = ?");
  st.bind(1, device.str());
  while (st.step()) values[st.text(0)] = st.blob(1);
  return std::make_shared<DeviceMemory>(std::move(values));
}

void save_device_memory(Database& db, const MacAddress& device, DeviceMemory& memory) {
  const auto changed = memory.changed();
  if (changed.empty()) return;
  Database::Transaction tx(db);
  for (const auto& [key, value] : changed)
    db.prepare("INSERT INTO device_memory (address, key, value, updated_at_us) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (address, key) DO UPDATE SET value = excluded.value, updated_at_us = excluded.updated_at_us")
        .bind(1, device.str())
        .bind(2, key)
        .bind(3, ByteView(value))
        .bind(4, now_unix_us())
        .run();
  tx.commit();
  memory.mark_saved();
}

}  // namespace declouder
