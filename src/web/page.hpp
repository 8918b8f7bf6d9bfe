// The web page: one HTML document with its script, served at "/". It draws with Chart.js,
// served by the program from the install at /assets/chart.js, and reads everything from
// /api/ (web/api.hpp, docs/web.md). Nothing is fetched from the internet.
#pragma once

#include <string_view>

namespace declouder {

std::string_view web_page_html();

}  // namespace declouder
