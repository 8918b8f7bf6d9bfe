#include "web/server.hpp"

#include <httplib.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "web/page.hpp"

namespace declouder {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0, acc = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) break;  // '=' padding or the end
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// Compares in time independent of where they differ.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool authorized(const httplib::Request& req, const std::string& token) {
  const std::string auth = req.get_header_value("Authorization");
  if (auth.starts_with("Bearer ")) return same_secret(auth.substr(7), token);
  if (auth.starts_with("Basic ")) {
    const std::string pair = base64_decode(auth.substr(6));
    const auto colon = pair.find(':');
    return colon != std::string::npos && same_secret(pair.substr(colon + 1), token);
  }
  return false;
}

// "http://host:port" of an Origin header -> "host:port", to compare with Host.
std::string origin_host(const std::string& origin) {
  const auto p = origin.find("://");
  return p == std::string::npos ? origin : origin.substr(p + 3);
}

}  // namespace

struct WebServer::Impl {
  WebApi& api;
  WebSettings settings;
  httplib::Server server;
  std::thread thread;
  std::string host;
  int port = 0;
  std::string chart_js;

  Impl(WebApi& a, WebSettings s) : api(a), settings(std::move(s)) {}

  void answer(const httplib::Request& req, httplib::Response& res) {
    WebRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.params) r.params[k] = v;
    r.body = req.body;
    WebResponse out = api.handle(r);
    res.status = out.status;
    if (!out.filename.empty()) res.set_header("Content-Disposition", "attachment; filename=\"" + out.filename + "\"");
    res.set_header("Cache-Control", "no-store");
    res.set_content(out.body, out.content_type.c_str());
  }

  void routes() {
    server.new_task_queue = [] { return new httplib::ThreadPool(4); };
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Content-Type-Options", "nosniff");
      if (settings.token && !authorized(req, *settings.token)) {
        res.status = 401;
        res.set_header("WWW-Authenticate", "Basic realm=\"declouder\", charset=\"UTF-8\"");
        res.set_content("{\"error\":\"this page needs the [web] token of the config (as the password)\"}",
                        "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (req.method != "GET" && req.method != "HEAD") {
        const std::string origin = req.get_header_value("Origin");
        if (!origin.empty() && origin_host(origin) != req.get_header_value("Host")) {
          res.status = 403;
          res.set_content("{\"error\":\"changes come from the page itself, not from " + origin + "\"}",
                          "application/json");
          return httplib::Server::HandlerResponse::Handled;
        }
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      res.set_content(std::string(web_page_html()), "text/html; charset=utf-8");
    });
    server.Get("/assets/chart.js", [this](const httplib::Request&, httplib::Response& res) {
      if (chart_js.empty()) {
        res.status = 404;
        res.set_content("// Chart.js not found under " + settings.assets_dir +
                            "/chart.js (Debian: apt install libjs-chart.js; or [web] assets)",
                        "text/javascript");
        return;
      }
      res.set_header("Cache-Control", "max-age=86400");
      res.set_content(chart_js, "text/javascript");
    });
    server.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    auto api_route = [this](const httplib::Request& req, httplib::Response& res) { answer(req, res); };
    server.Get(R"(/api/.*)", api_route);
    server.Post(R"(/api/.*)", api_route);
    server.Delete(R"(/api/.*)", api_route);
  }
};

WebServer::WebServer(WebApi& api, WebSettings settings) : impl_(std::make_unique<Impl>(api, std::move(settings))) {}

WebServer::~WebServer() { stop(); }

void WebServer::start() {
  Impl& s = *impl_;
  if (auto why = web_refusal(s.settings)) throw WebError(*why);
  const ListenAddress where = *parse_listen(s.settings.listen);
  s.host = where.host;
  // Chart.js: Debian installs the UMD build as chart.min.js (and chart.js).
  for (const char* name : {"/chart.js/chart.min.js", "/chart.js/chart.js", "/chart.min.js", "/chart.js"}) {
    s.chart_js = read_file(s.settings.assets_dir + name);
    if (!s.chart_js.empty()) break;
  }
  s.routes();
  if (where.port == 0) {
    s.port = s.server.bind_to_any_port(where.host);
    if (s.port <= 0) throw WebError("cannot listen on " + s.settings.listen);
  } else {
    if (!s.server.bind_to_port(where.host, where.port))
      throw WebError("cannot listen on " + s.settings.listen + " (in use by another program, or not an address of this machine)");
    s.port = where.port;
  }
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
}

std::string WebServer::url() const {
  const std::string& h = impl_->host;
  const std::string shown = h == "0.0.0.0" || h == "::" ? "127.0.0.1" : h;
  return "http://" + (shown.find(':') != std::string::npos ? "[" + shown + "]" : shown) + ":" +
         std::to_string(impl_->port) + "/";
}

void WebServer::stop() {
  if (!impl_) return;
  if (impl_->thread.joinable()) {
    impl_->server.stop();
    impl_->thread.join();
  }
}

}  // namespace declouder
