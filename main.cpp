// code-exec: config -> actor system -> HTTP server -> signal handling.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <future>
#include <thread>

#include "actors/app.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "config/config.hpp"
#include "http/io_runtime.hpp"

namespace {

constexpr const char* kVersion = "1.0.0";

// `code-exec --healthcheck`: for container HEALTHCHECKs, where no curl is installed.
int healthcheck() {
  const char* port_env = std::getenv("PORT");
  int port = port_env && *port_env ? std::atoi(port_env) : 4001;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 1;
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return 1;
  }
  const char req[] = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  bool ok = ::send(fd, req, sizeof req - 1, 0) == static_cast<ssize_t>(sizeof req - 1);
  char buf[64] = {};
  ok = ok && ::recv(fd, buf, sizeof buf - 1, 0) > 12;
  ::close(fd);
  return ok && std::strncmp(buf + 9, "200", 3) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--healthcheck") == 0) return healthcheck();
  auto start = std::chrono::steady_clock::now();

  auto parsed = cx::parse_config_from_environ();
  if (auto* err = std::get_if<std::string>(&parsed)) {
    cx::log::error("invalid configuration", {{"error", *err}});
    return 2;
  }
  auto cfg = std::make_shared<const cx::config>(std::get<cx::config>(parsed));
  cx::log::set_level(cfg->log_level);
  cx::log::write_raw(cx::log::level::info, "starting code-exec", "config", cx::describe_config(*cfg));
  if (cfg->auth_disabled) cx::log::warn("CODE_EXEC_AUTH=disabled: judge routes accept requests without a key");
  cx::metrics::init(kVersion);

  // Signals go to one waiting thread; every other thread inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);  // wakes the signal thread when main is done
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Destruction runs in reverse: the io runtime goes before the actor system, so asio handlers
  // still holding actor handles are dropped while the system lives (after every actor is done).
  caf::actor_system_config sys_cfg;
  sys_cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{sys_cfg};
  cx::http::io_runtime io;

  std::promise<void> drained;
  std::unique_ptr<cx::app> application;
  try {
    application = std::make_unique<cx::app>(sys, io, cfg, [&drained] { drained.set_value(); });
  } catch (const std::exception& e) {
    cx::log::error("cannot start", {{"error", e.what()}});
    return 1;
  }
  io.start();
  auto ready_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  cx::log::info("listening", {{"address", cfg->bind_address}, {"port", static_cast<int>(application->port())},
                              {"startup_us", static_cast<std::int64_t>(ready_ms * 1000)}});

  std::atomic<bool> finished{false};
  std::thread signal_thread([&] {
    int count = 0;
    while (true) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGUSR1) {
        if (finished) return;
        continue;
      }
      if (++count == 1) {
        cx::log::info("signal received, draining", {{"signal", sig}});
        application->begin_shutdown();
      } else {
        cx::log::warn("second signal: exiting at once", {{"signal", sig}});
        cx::log::flush();
        std::_Exit(130);
      }
    }
  });

  drained.get_future().wait();
  application->stop();
  sys.await_all_actors_done();
  io.stop();
  cx::log::info("stopped");
  cx::log::flush();
  finished = true;
  pthread_kill(signal_thread.native_handle(), SIGUSR1);
  signal_thread.join();
  application.reset();
  return 0;
}
