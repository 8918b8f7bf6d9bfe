#include "gateway/settings.hpp"

#include <unistd.h>

#include "outputs/measurement_json.hpp"

namespace declouder {

std::string default_gateway_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || !host[0]) return "gateway";
  return slug(host);
}

}  // namespace declouder
