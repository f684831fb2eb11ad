#include "http/io_runtime.hpp"

#include "http/io_runtime_impl.hpp"

#include <boost/asio/steady_timer.hpp>

namespace cx::http {

io_runtime::io_runtime() : impl_(std::make_unique<impl>()) { impl_->guard.emplace(impl_->ioc.get_executor()); }

io_runtime::~io_runtime() { stop(); }

void io_runtime::start() {
  if (!impl_->thread.joinable()) impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

void io_runtime::stop() {
  impl_->guard.reset();
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

namespace {

std::shared_ptr<boost::asio::steady_timer> arm(boost::asio::io_context& ioc, std::chrono::milliseconds delay,
                                               std::function<void()> fire) {
  auto timer = std::make_shared<boost::asio::steady_timer>(ioc, delay);
  timer->async_wait([timer, fire = std::move(fire)](boost::system::error_code ec) {
    if (!ec) fire();
  });
  return timer;
}

}  // namespace

void io_runtime::after(std::chrono::milliseconds delay, std::function<void()> fire) {
  arm(impl_->ioc, delay, std::move(fire));
}

std::function<void()> io_runtime::cancellable_after(std::chrono::milliseconds delay, std::function<void()> fire) {
  return [timer = arm(impl_->ioc, delay, std::move(fire))] { timer->cancel(); };
}

}  // namespace cx::http
