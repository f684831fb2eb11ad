// Owns the asio io_context and the threads that run it. Beast stays out of this header.
#pragma once

#include <memory>

namespace cx::http {

class io_runtime {
 public:
  explicit io_runtime(int threads);
  ~io_runtime();
  io_runtime(const io_runtime&) = delete;
  io_runtime& operator=(const io_runtime&) = delete;

  // Starts the worker threads; the runtime keeps running until stop().
  void start();
  // Stops the io_context and joins the threads. Idempotent.
  void stop();

  struct impl;
  impl& get() { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace cx::http
