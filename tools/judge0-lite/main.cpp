// judge0-lite: wires options → languages → store, GET cache, callbacks → worker pool → HTTP
// routes, then waits for SIGINT/SIGTERM.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <pthread.h>
#include <pwd.h>
#include <thread>
#include <unistd.h>

#include "api.hpp"
#include "callback_sender.hpp"
#include "http/io_runtime.hpp"
#include "http/server.hpp"
#include "judge_pool.hpp"
#include "languages.hpp"
#include "log_line.hpp"
#include "options.hpp"
#include "submission_cache.hpp"
#include "submission_store.hpp"

namespace json = boost::json;
using namespace judge0_lite;

namespace {

identity unprivileged_user() {
  identity who;  // 65534:65534 unless the system says otherwise
  if (const passwd* pw = ::getpwnam("nobody")) {
    who.uid = pw->pw_uid;
    who.gid = pw->pw_gid;
  }
  return who;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc),
                              [](const std::string& name) -> std::optional<std::string> {
                                const char* v = std::getenv(name.c_str());
                                return v ? std::optional<std::string>(v) : std::nullopt;
                              });
  if (!parsed.value) {
    std::fprintf(stderr, "judge0-lite: %s\n\n%s", parsed.error.c_str(), usage_text().c_str());
    return 2;
  }
  const options opts = *parsed.value;
  if (opts.help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  const bool root = running_as_root();
  if (opts.uid_base && !root) {
    std::fprintf(stderr, "judge0-lite: --uid-base needs root\n");
    return 2;
  }

  // Every thread started from here on inherits the mask; the main thread takes the signals.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  judge_environment env;
  env.work_root = opts.work_dir;
  env.search_path = opts.search_path.empty() ? std::string(default_search_path) : opts.search_path;
  env.run_as = unprivileged_user();
  const int workers =
      opts.workers > 0 ? opts.workers : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));

  const language_table languages = language_table::detect(env.search_path, env.run_as);
  submission_store store(opts.max_stored);
  submission_cache cache(opts.submission_cache_duration);
  callback_sender callbacks(callback_sender::settings{opts.callbacks_max_tries, opts.callbacks_timeout});
  judge_pool pool(store, languages, env, workers, opts.max_queue, opts.uid_base);
  api routes(store, cache, pool, callbacks, languages, api_options{opts.auth_tokens});

  cx::http::io_runtime io;
  cx::http::server_options server_opts;
  server_opts.bind_address = "127.0.0.1";
  server_opts.port = opts.port;
  server_opts.max_body_bytes = 16u << 20;  // Judge0 has no cap; source plus stdin can be large
  std::unique_ptr<cx::http::server> server;
  try {
    server = std::make_unique<cx::http::server>(
        io, server_opts, [&routes](cx::http::request req, cx::http::responder_ptr res) {
          routes.handle(std::move(req), res);
        });
  } catch (const std::exception& e) {
    print_line(stderr, json::object{{"msg", "cannot listen"}, {"error", json::string(e.what())}});
    pool.stop();
    return 1;
  }
  io.start();

  json::array ids;
  for (const auto& lang : languages.installed()) ids.push_back(lang.id);
  std::string run_as = !root ? "the current user (not root: no privilege drop)"
                       : opts.uid_base ? "uid " + std::to_string(*opts.uid_base) + "+worker"
                                       : "uid " + std::to_string(env.run_as->uid) + " (nobody)";
  print_line(stdout,
             json::object{{"msg", "listening"},
                          {"port", server->port()},
                          {"address", "127.0.0.1"},
                          {"tool", "judge0-lite"},
                          {"warning", "judge0-lite is a development tool, not a sandbox: do not run untrusted code "
                                      "with it or expose it beyond this machine"},
                          {"judge0_version", "1.13.1"},
                          {"workers", workers},
                          {"max_queue", opts.max_queue},
                          {"submission_cache_duration_ms", opts.submission_cache_duration.count()},
                          {"callbacks_max_tries", opts.callbacks_max_tries},
                          {"callbacks_timeout_ms", opts.callbacks_timeout.count()},
                          {"auth", !opts.auth_tokens.empty()},
                          {"run_as", json::string(run_as)},
                          {"languages", std::move(ids)}});

  int sig = 0;
  sigwait(&stop_signals, &sig);
  print_line(stdout, json::object{{"msg", "stopping"}, {"signal", sig}});
  server->close();
  pool.stop();  // kills running programs, answers waiting requests, sends their callbacks
  // Those answers and callbacks were posted to I/O threads; give them a moment to go out.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  callbacks.stop();
  io.stop();
  server.reset();
  return 0;
}
