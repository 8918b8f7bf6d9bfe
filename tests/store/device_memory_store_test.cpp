// A device's memory in the database: what one connection keeps, the next process finds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/device_memory_store.hpp"

using namespace declouder;
namespace fs = std::filesystem;

TEST(DeviceMemoryStore, WhatOneConnectionKeepsTheNextProcessFinds) {
  const fs::path p = fs::temp_directory_path() / ("declouder-memory-" + std::to_string(::getpid()) + ".db");
  fs::remove(p);
  const MacAddress scale = *MacAddress::parse("E6:79:32:AB:BA:80");
  const MacAddress other = *MacAddress::parse("E6:79:32:AB:BA:81");
  {
    Database db(p.string());
    auto memory = load_device_memory(db, scale);
    EXPECT_FALSE(memory->get("trisa_password"));
    memory->put("trisa_password", Bytes{0x12, 0x34, 0x56, 0x78});
    save_device_memory(db, scale, *memory);
    EXPECT_TRUE(memory->changed().empty());
  }
  {
    Database db(p.string());
    EXPECT_EQ(load_device_memory(db, scale)->get("trisa_password"), (Bytes{0x12, 0x34, 0x56, 0x78}));
    EXPECT_FALSE(load_device_memory(db, other)->get("trisa_password"));  // per device
    // A new pairing replaces the password.
    auto memory = load_device_memory(db, scale);
    memory->put("trisa_password", Bytes{0xAA, 0xBB, 0xCC, 0xDD});
    save_device_memory(db, scale, *memory);
    EXPECT_EQ(load_device_memory(db, scale)->get("trisa_password"), (Bytes{0xAA, 0xBB, 0xCC, 0xDD}));
  }
  fs::remove(p);
  fs::remove(p.string() + "-wal");
  fs::remove(p.string() + "-shm");
}
