// Owns the asio io_context and the one thread that runs it. One thread is the design: every
// socket's handlers then run one at a time, so sessions and calls need no strands (threads that
// only start work, like CAF workers, post or guard their hand-over). Beast stays out of here.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace cx::http {

class io_runtime {
 public:
  io_runtime();
  ~io_runtime();
  io_runtime(const io_runtime&) = delete;
  io_runtime& operator=(const io_runtime&) = delete;

  // Starts the thread; the runtime keeps running until stop().
  void start();
  // Stops the io_context and joins the thread. Idempotent.
  void stop();

  // Runs `fire` on the io thread after `delay`; dropped unrun if the runtime stops first.
  void after(std::chrono::milliseconds delay, std::function<void()> fire);
  // The same, and a cancel for it, to be called from one thread at a time: once cancelled,
  // `fire` does not run and the timer is gone from the io thread's queue.
  std::function<void()> cancellable_after(std::chrono::milliseconds delay, std::function<void()> fire);

  struct impl;
  impl& get() { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace cx::http
