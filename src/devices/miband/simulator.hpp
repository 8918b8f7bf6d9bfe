// The Mi Band 1 / 1A / 1S, device side, as a state machine that behaves like the
// band of a public Stack Overflow question's hcidump log (Mi Band 1S heart rate with
// pygattlib) and of a Mi Fit btsnoop capture posted in a Gadgetbridge issue:
//
//  * user info (FF04) is volatile: forgotten on every disconnect. A valid write
//    (CRC-8 ^ MAC) from the user id the band knows -> FF03 0x05; from another id
//    -> 0x13 (it vibrates), and after the person taps (tap_after_ms) -> 0x15 and
//    the id is remembered; a bad checksum -> 0x06.
//  * 2A39 `15 mode 01` starts the optical sensor. Without accepted user info on
//    this connection the band flashes and hangs up (HCI reason 0x13), as in the
//    Stack Overflow hcidump log. With it, the radio goes quiet while the sensor starts: the write
//    response comes after hr_response_ms (1.3 s), so a link whose supervision
//    timeout is not longer drops (0x08), and a host that stops waiting sooner
//    gives up itself (0x16). Then `06 <bpm>` on 2A37 after hr_result_ms, if the
//    CCCD is on.
//  * FF09 asks the host for the parameters it carries (a connection parameter
//    update the host may accept), FF06 steps, FF0C battery, FF01 device info,
//    FF0A date, FF05 `06` activity history in blocks, each waiting for its ack.
//
// The band talks to whatever hosts it through MiBandBand::Host: the `miband-1s`
// simulator (registered for `declouder simulate`, FakeBluez, BluezPeripheral and
// SimulatorLink) adapts it to SimHost; VirtualBandLink below runs a plain step
// list against it in simulated time, including the host-side failures (a write
// response timeout) that a GATT backend cannot show.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "devices/miband/conversation.hpp"
#include "devices/miband/protocol.hpp"

namespace declouder::sim {

struct MiBandSimConfig {
  MacAddress address = *MacAddress::parse("C8:0F:10:32:CA:B6");  // the 1S of the Stack Overflow hcidump log
  miband::Model model = miband::Model::mi1s;
  int heart_rate_bpm = 70;
  std::uint32_t known_uid = 0;  // the user id the band was last paired with (0: none)
  int tap_after_ms = 1500;      // the person taps the band this long after it vibrates; < 0 never
  int hr_response_ms = 1300;    // write response to `15 02 01` (Mi Fit capture: 1.29 s)
  int hr_result_ms = 10000;     // first 2A37 notification (Mi Fit capture: ~10 s)
  int battery_percent = 80;
  std::uint32_t steps = 4242;
  std::vector<miband::ActivityMinute> history;  // what FF05 `06` sends
  CivilTime clock{2016, 6, 12, 8, 30, 0};
};

class MiBandBand {
 public:
  class Host {
   public:
    virtual ~Host() = default;
    virtual void notify(std::uint16_t characteristic, const Bytes& value) = 0;  // only if subscribed
    virtual void after(int ms, std::function<void()> fn) = 0;
    virtual void drop(std::uint8_t hci_reason) = 0;  // the band ends the connection
    virtual int supervision_timeout_ms() const = 0;
    // FF09: the band asks for new parameters (interval in 1.25 ms, timeout in 10 ms).
    virtual void request_parameters(int min_interval, int max_interval, int latency, int timeout) = 0;
  };

  explicit MiBandBand(MiBandSimConfig c);
  void on_connect(Host& host);
  void on_disconnect();
  void on_subscribe(std::uint16_t characteristic);
  Bytes on_read(std::uint16_t characteristic);
  // Returns how long the band takes to send the write response (ms), or nullopt
  // when it never does (it dropped the link instead).
  std::optional<int> on_write(std::uint16_t characteristic, const Bytes& value, bool with_response);

  bool subscribed(std::uint16_t c) const { return subscribed_.count(c) != 0; }
  const MiBandSimConfig& config() const { return c_; }
  std::vector<std::string> log;  // what happened, for tests and `simulate` output

 private:
  void notify(std::uint16_t c, const Bytes& v);
  void send_activity_block();
  MiBandSimConfig c_;
  Host* host_ = nullptr;
  std::set<std::uint16_t> subscribed_;
  bool user_info_ok_ = false;
  bool authenticated_ = false;
  int connection_ = 0;  // scheduled events of an old connection are dropped
  std::size_t block_minutes_ = 0;
  std::optional<std::uint16_t> awaiting_ack_bytes_;
};

// Runs a step list against a band in simulated time: what a GATT session runner
// does, without a bus, so tests can check the whole conversation (and its
// failures) deterministically.
class VirtualBandLink : public MiBandBand::Host {
 public:
  explicit VirtualBandLink(MiBandBand& band, int default_supervision_timeout_ms = 420 /* Linux default */)
      : band_(band), supervision_ms_(default_supervision_timeout_ms) {}

  struct Outcome {
    bool ok = false;
    std::string failed_step;              // label of the step that failed
    std::optional<std::uint8_t> hci_reason;  // when the link dropped
    std::string detail;
    std::vector<Bytes> values;  // values of await_value / read steps, in order
    std::vector<std::string> prompts;  // what the person was told
  };
  Outcome run(const std::vector<miband::PlanStep>& steps);
  std::int64_t now_ms() const { return now_; }
  int supervision_ms() const { return supervision_ms_; }

  void notify(std::uint16_t c, const Bytes& v) override;
  void after(int ms, std::function<void()> fn) override;
  void drop(std::uint8_t reason) override;
  int supervision_timeout_ms() const override { return supervision_ms_; }
  void request_parameters(int, int, int, int timeout) override;

 private:
  // Runs events due up to `until`; stops early when `stop` says so or the link drops.
  void advance(std::int64_t until, const std::function<bool()>& stop = {});
  MiBandBand& band_;
  int supervision_ms_;
  std::int64_t now_ = 0;
  std::multimap<std::int64_t, std::function<void()>> events_;
  std::vector<std::pair<std::uint16_t, Bytes>> inbox_;
  std::optional<std::uint8_t> dropped_;
  bool connected_ = false;
};

}  // namespace declouder::sim
