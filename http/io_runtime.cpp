#include "http/io_runtime.hpp"

#include "http/io_runtime_impl.hpp"

namespace cx::http {

io_runtime::io_runtime(int threads) : impl_(std::make_unique<impl>(threads < 1 ? 1 : threads)) {
  impl_->guard.emplace(impl_->ioc.get_executor());
}

io_runtime::~io_runtime() { stop(); }

void io_runtime::start() {
  for (int i = 0; i < impl_->threads_wanted; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

void io_runtime::stop() {
  impl_->guard.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
}

}  // namespace cx::http
