#include "wearables/bodybugg_transport.hpp"

#include <algorithm>

#include "serial/armband_frame.hpp"

namespace declouder::bodybugg {

std::string LineTransport::exchange(const std::string& command, const AnswerProgress& progress) {
  port_.write(command + opt_.end_of_line);
  std::string answer;
  std::uint8_t buf[4096];
  int wait = opt_.response_timeout_ms;
  for (;;) {
    std::size_t n = port_.read(buf, sizeof buf, wait);
    if (n == 0) break;
    answer.append(reinterpret_cast<const char*>(buf), n);
    if (progress) progress(answer.size());
    if (opt_.prompt && answer.ends_with(*opt_.prompt)) {
      answer.resize(answer.size() - opt_.prompt->size());
      return answer;
    }
    wait = opt_.quiet_ms;
  }
  if (answer.empty()) throw SerialError("no answer to '" + command + "' within " + std::to_string(opt_.response_timeout_ms) + " ms");
  return answer;
}

std::string FramedTextTransport::exchange(const std::string& command, const AnswerProgress& progress) {
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
    std::size_t n = port_.read(buf, sizeof buf, timeout_ms_);
    if (n == 0)
      throw SerialError("the answer to '" + command + "' stopped after " + std::to_string(answer.size()) + " bytes");
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
