// declouder web: the local web page with charts, tables, assignment and downloads, and its
// JSON API under /api/ (docs/web.md). Serves until SIGTERM or Ctrl-C.
#include <signal.h>

#include <cstdio>

#include "app/cli.hpp"
#include "app/store_session.hpp"
#include "app/web_service.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder web [--database FILE] [--config FILE] [--listen ADDRESS:PORT]

Serves a web page on this machine: per person, charts over time of weight (in the
person's unit, with the goal_weight of the config), BMI, body fat, water,
muscle, bone and visceral fat over a week, month, year or everything; the table
of measurements; the unassigned weighings with assign, re-assign and delete (the
rules and storage of 'declouder assign'); the devices heard, when, and their
battery; Mi Band steps and heart rate and BodyBugg channels as charts; downloads
of the exports. The charts are drawn by Chart.js from Debian's libjs-chart.js,
served by declouder itself: it works without the internet. The page reads a
JSON API under /api/ (docs/web.md), for other programs too.

Only 127.0.0.1 by default. Listening on any other address needs a password:
[web] token = "..." in the config (the browser asks for it; any user name).
Without one declouder refuses to start and says why.

  --listen ADDRESS:PORT  where to listen (default: [web] listen, else
                         127.0.0.1:8080); port 0 takes a free one
  --database FILE        the SQLite database (see 'declouder history --help')
  --config FILE          the config file: people, [web] (listen, token, assets)

The first line printed is the page's address. 'declouder run' serves the same
page beside the gateway when the config has a [web] table.

Examples:
  declouder web
  declouder web --listen 0.0.0.0:8080      (with [web] token in the config))";

int run_web(Args& args) {
  auto database = args.value("--database");
  auto config = args.value("--config");
  auto listen = args.value("--listen");
  args.finish();
  StoreSession store = open_store(config, database);
  WebSettings settings;
  try {
    settings = web_settings(store.config);
  } catch (const ConfigError& e) {
    throw CommandError(e.what());
  }
  if (listen) {
    if (!parse_listen(*listen)) throw UsageError("--listen: '" + *listen + "' is not ADDRESS:PORT (like 127.0.0.1:8080)");
    settings.listen = *listen;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the server's threads start: they inherit it
  auto web = start_web_service(store.config, store.database->path(), settings);
  std::printf("%s\n", web->server->url().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "declouder: serving the web page of %s at %s%s (Ctrl-C stops)\n", store.database->path().c_str(),
               web->server->url().c_str(), settings.token ? " (password: [web] token)" : "");
  int sig = 0;
  sigwait(&signals, &sig);
  web->server->stop();
  return 0;
}

}  // namespace

extern const Command kWebCommand = {
    .name = "web",
    .summary = "a local web page with charts, tables and assignment, and a JSON API",
    .usage = kUsage,
    .run = run_web,
};

}  // namespace declouder
