// Beurer and Sanitas scales that speak the Bluetooth SIG standard profiles:
// BF105, BF450, BF500, BF600, BF720, BF850, BF915, BF950, Sanitas SBF72, SBF73,
// SBF76, SBF77 (recognised by name; the name usually carries the model number).
//
// Bytes: exactly the standard Weight Measurement (0x2A9D), Body Composition
// Measurement (0x2A9C) and Battery Level (0x2A19) of sig_scale.cpp; this family
// only gives those readings a model id of their own and claims the devices by name, so `declouder scan` says
// "Beurer/Sanitas" instead of "any standard scale". Their vendor extras (user
// list, initials, activity level on vendor characteristics) are not decoded.
// The older proprietary Beurer/Sanitas protocol (BF700/BF710/BF800, SBF70/75 on
// 0xFFE1, start byte F7/E7) is a different family and not implemented yet.
//
// Sources: openScale's BeurerBF450,
// SanitasSbf72 and StandardBeurerSanitas handlers: model lists and the fact that
// they are subclasses of the standard profile handler.
#include "devices/bluetooth_sig_scale/protocol.hpp"
#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"

namespace declouder {

namespace {

constexpr const char* kModel = "beurer-sanitas-standard";

bool claims(const Advertisement& adv) { return sig_scale::is_beurer_sanitas_standard_name(adv.name); }

DecodeOutcome decode_gatt(const GattValue& v) {
  if (!sig_scale::is_beurer_sanitas_standard_name(v.device_name))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "the device name is not a Beurer/Sanitas standard model");
  return sig_scale::decode_standard_characteristic(v, kModel);
}

}  // namespace

extern const DeviceDescriptor kBeurerSanitasStandard = {
    .id = kModel,
    .name = "Beurer BF105/450/500/600/720/850/915/950 and Sanitas SBF72/73/76/77 (standard profiles)",
    .manufacturer = "Beurer, Sanitas",
    .names = {"BF600", "BF105", "BF950", "SBF72", "SBF77"},
    .recognised_by = "name contains the model (bf600, sbf72...); characteristics 0x2A9D, 0x2A9C, 0x2A19",
    .reports = {"weight_kg", "device_time", "user_slot", "bmi", "height_cm", "fat_percent", "bmr_kcal", "muscle_percent", "muscle_kg", "lean_body_mass_kg", "soft_lean_mass_kg", "water_percent", "water_kg", "impedance_ohm", "battery_percent"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {sig_scale::kWeightMeasurement, sig_scale::kBodyCompositionMeasurement, sig_scale::kBatteryLevel},
    .claims = claims,
    .decode_gatt = decode_gatt,
    // The standard profiles: the standard scale's conversation (devices/bluetooth_sig_scale/).
    .conversation = DeviceConversation{
        .summary = "as the standard scale: consent for the person's user slot, then the weighing",
        .build = sig_scale::conversation,
    },
    .simulator = DeviceSimulator{
        .name = "beurer-bf600",
        .summary = "Beurer BF600 (standard profiles): the standard scale's consent and weighing, as a Beurer",
        .create = sig_scale::beurer_simulator,
    },
};

}  // namespace declouder
