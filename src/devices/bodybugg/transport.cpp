#include "devices/bodybugg/transport.hpp"

#include <algorithm>

#include "devices/bodybugg/armband_frame.hpp"

namespace declouder::bodybugg {

std::string LineTransport::exchange(const std::string& command, const AnswerProgress& progress, bool answer_expected,
                                    const AnswerCheck& looks_complete) {
  port_.write(command + opt_.end_of_line);
  std::string answer;
  std::uint8_t buf[4096];
  int wait = answer_expected ? opt_.response_timeout_ms : opt_.quiet_ms;
  int silence = 0;
  for (;;) {
    std::size_t n = 0;
    try {
      n = port_.read(buf, sizeof buf, wait);
    } catch (const SerialError& e) {
      if (answer.empty()) throw;
      throw PartialAnswerError(e.what(), answer);
    }
    if (n == 0) {
      if (answer.empty() || !looks_complete || looks_complete(answer)) break;
      silence += wait;
      if (silence >= opt_.stall_ms) break;  // the caller sees the answer is short
      continue;
    }
    silence = 0;
    answer.append(reinterpret_cast<const char*>(buf), n);
    if (progress) progress(answer.size());
    if (opt_.prompt && answer.ends_with(*opt_.prompt)) {
      answer.resize(answer.size() - opt_.prompt->size());
      return answer;
    }
    wait = opt_.quiet_ms;
  }
  if (answer.empty() && answer_expected) throw SerialError("no answer to '" + command + "' within " + std::to_string(opt_.response_timeout_ms) + " ms");
  return answer;
}

std::string FramedTextTransport::exchange(const std::string& command, const AnswerProgress& progress, bool,
                                          const AnswerCheck&) {
  using namespace armband;
  if (command.size() > kBodySize) throw SerialError("command longer than one frame: '" + command + "'");
  Frame req;
  req.command = kFramedTextRequest;
  req.sequence = sequence_++;
  std::copy(command.begin(), command.end(), req.body.begin());
  port_.write(encode_frame(req));
  FrameDecoder dec;
  std::string answer;
  std::uint8_t buf[4096];
  for (;;) {
    std::size_t n = 0;
    try {
      n = port_.read(buf, sizeof buf, timeout_ms_);
    } catch (const SerialError& e) {
      throw PartialAnswerError(e.what(), answer);
    }
    if (n == 0) {
      std::string why = "the answer to '" + command + "' stopped after " + std::to_string(answer.size()) + " bytes";
      if (answer.empty()) throw SerialError("no answer to '" + command + "' within " + std::to_string(timeout_ms_) + " ms");
      throw PartialAnswerError(why, answer);
    }
    dec.feed(ByteView(buf, n));
    while (auto f = dec.next()) {
      if (f->kind != kKindAnswer || f->command != kFramedTextAnswer) continue;
      std::size_t len = std::min<std::size_t>(f->body[0], kFramedTextChunk);
      if (len == 0) return answer;
      answer.append(reinterpret_cast<const char*>(f->body.data() + 1), len);
      if (progress) progress(answer.size());
    }
  }
}

}  // namespace declouder::bodybugg
