// How a BodyBugg text command travels over the serial port. NOT PUBLICLY KNOWN.
//
// The only public driver (BodyBuggBypass) sent `writeCommand("get epoch")` through
// BodyMedia's closed JNI library and never saw the bytes. So the transport is a
// swappable layer with two hypotheses, both logged byte for byte (RawByteLog):
//
//  * line   (default): the command as ASCII plus an end of line ("\r\n" unless
//           told otherwise); the answer is ASCII text, finished either by a
//           prompt string if one is configured or by the line going quiet for
//           quiet_ms after the last byte (stall_ms when the text so far does
//           not look whole, e.g. a dump whose last session is short). Nothing about prompts or terminators is
//           assumed beyond that.
//  * framed: the text rides inside the 0xAB ... 0xBA binary frames
//           (devices/bodybugg/armband_frame.hpp). Evidence: BodyBuggBypass's setAddr(0x0E,
//           0xFFFFFFFF) equals the from/to addresses of the binary frames. The
//           command byte and chunking below are OUR PLACEHOLDERS, to be replaced
//           once a capture shows the real ones: request command 0x81, body = the
//           command text (<= 50 bytes, NUL padded); answer frames command 0x01,
//           body[0] = n text bytes (0..49), body[1..n] = text, sequence counting
//           chunks; a chunk with n = 0 ends the answer.
//
// Whichever it is, the command layer above (bodybugg_commands.hpp) does not change.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "link/byte_stream.hpp"

namespace declouder::bodybugg {

// The link failed in the middle of an answer: what arrived is kept.
struct PartialAnswerError : SerialError {
  PartialAnswerError(const std::string& why, std::string partial) : SerialError(why), partial_answer(std::move(partial)) {}
  std::string partial_answer;
};

// progress(bytes of answer so far)
using AnswerProgress = std::function<void(std::size_t)>;
// For answers that end only by going quiet: does the text so far look whole?
// (A `retrieve PDP` dump is whole when its last session holds what its header
// declared.) When it does not, a quiet line is waited out up to stall_ms.
using AnswerCheck = std::function<bool(std::string_view)>;

class CommandTransport {
 public:
  virtual ~CommandTransport() = default;
  // Sends one command, returns the whole answer text. Throws SerialError when
  // nothing comes back within the response timeout or the port fails. Commands
  // whose acknowledgement is unknown (set, file init...) pass answer_expected =
  // false: silence is then an empty answer.
  virtual std::string exchange(const std::string& command, const AnswerProgress& progress = {},
                               bool answer_expected = true, const AnswerCheck& looks_complete = {}) = 0;
};

struct LineTransportOptions {
  std::string end_of_line = "\r\n";
  std::optional<std::string> prompt;  // answer ends here (stripped) when set
  int response_timeout_ms = 3000;     // for the first byte of an answer
  int quiet_ms = 500;                 // an answer is over after this much silence
  int stall_ms = 5000;                // ... unless it does not look whole yet: then this much
};

class LineTransport : public CommandTransport {
 public:
  LineTransport(ByteStream& port, LineTransportOptions opt) : port_(port), opt_(std::move(opt)) {}
  std::string exchange(const std::string& command, const AnswerProgress& progress = {},
                       bool answer_expected = true, const AnswerCheck& looks_complete = {}) override;

 private:
  ByteStream& port_;
  LineTransportOptions opt_;
};

// Placeholders of the framed hypothesis, shared with the simulator.
constexpr std::uint8_t kFramedTextRequest = 0x81;
constexpr std::uint8_t kFramedTextAnswer = 0x01;
constexpr std::size_t kFramedTextChunk = 49;

class FramedTextTransport : public CommandTransport {
 public:
  FramedTextTransport(ByteStream& port, int response_timeout_ms = 3000)
      : port_(port), timeout_ms_(response_timeout_ms) {}
  std::string exchange(const std::string& command, const AnswerProgress& progress = {},
                       bool answer_expected = true, const AnswerCheck& looks_complete = {}) override;

 private:
  ByteStream& port_;
  int timeout_ms_;
  std::uint8_t sequence_ = 0;
};

}  // namespace declouder::bodybugg
