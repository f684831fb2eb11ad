// The actors' one clock and timer service. In production the io thread keeps the timers: CAF
// 0.17's clock thread wakes for every timer set or cancelled, which was measured slower at
// thousands of submissions a second. In tests CAF's own clock does, which the test coordinator
// lets the test move, so nothing waits for real time. Request timeouts too (timers::request): the
// io thread's timer goes with the request's handlers, so nothing outlives an answered request or
// a requester that is gone.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/detail/type_traits.hpp>
#include <caf/duration.hpp>
#include <caf/local_actor.hpp>
#include <caf/sec.hpp>
#include <caf/send.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "http/io_runtime.hpp"

namespace cx {

// Cancels a request's io-thread timer when the last handler holding it is gone: CAF drops both
// handlers once one has run (answer or timeout), and all of them when the requester ends.
class timeout_guard {
 public:
  explicit timeout_guard(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  ~timeout_guard() { cancel_(); }
  timeout_guard(const timeout_guard&) = delete;
  timeout_guard& operator=(const timeout_guard&) = delete;

 private:
  std::function<void()> cancel_;
};

// A request whose timeout the io thread keeps: its handlers hold the timer's guard.
template <class Handle>
class timed_request {
 public:
  timed_request(Handle h, std::shared_ptr<timeout_guard> guard) : handle_(std::move(h)), guard_(std::move(guard)) {}

  template <class F, class G>
  void then(F on_answer, G on_error) && {
    handle_.then(cancelling(std::move(on_answer)), cancelling(std::move(on_error)));
  }

 private:
  // `f` holding the guard, with the same signature (CAF matches handlers by their argument types).
  template <class F>
  auto cancelling(F f) {
    return cancelling(std::move(f), typename caf::detail::get_callable_trait<F>::arg_types{});
  }
  template <class F, class... Ts>
  auto cancelling(F f, caf::detail::type_list<Ts...>) {
    return [f = std::move(f), guard = guard_](Ts... xs) mutable {
      (void)guard;  // held, not used: its lifetime is the point
      return f(std::forward<Ts>(xs)...);
    };
  }

  Handle handle_;
  std::shared_ptr<timeout_guard> guard_;  // null on CAF's clock, which cancels by itself
};

class timers {
 public:
  using clock = std::chrono::steady_clock;

  static timers on_io(http::io_runtime& io) { return timers(&io, nullptr); }
  static timers on_caf_clock(caf::actor_system& sys) { return timers(nullptr, &sys); }
  timers() = default;  // real time on CAF's clock thread: for values filled in later

  clock::time_point now() const { return sys_ ? sys_->clock().now() : clock::now(); }

  std::chrono::milliseconds until(clock::time_point t) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - now());
  }
  std::int64_t ms_since(clock::time_point t) const { return -until(t).count(); }
  // Wall-clock time, for what other pods must read alike (the shared stream's deadlines). On
  // CAF's test clock it is that clock's reading, so a test moves both together.
  std::chrono::system_clock::time_point wall_now() const {
    if (!sys_) return std::chrono::system_clock::now();
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(sys_->clock().now().time_since_epoch()));
  }

  // (xs...) reaches `self` after `delay`, sent anonymously.
  template <class... Ts>
  void send_later(caf::local_actor* self, std::chrono::milliseconds delay, Ts... xs) const {
    auto me = caf::actor_cast<caf::actor>(self);
    if (io_) io_->after(delay, [me, xs...] { caf::anon_send(me, xs...); });
    else caf::delayed_anon_send(me, delay, xs...);
  }

  // self->request(dest, timeout, xs...) with its timeout kept here. On the io thread the timer
  // delivers CAF's own request_timeout error, as CAF's clock would; none once the requester is gone.
  template <class Self, class Handle, class... Ts>
  auto request(Self* self, const Handle& dest, std::chrono::milliseconds timeout, Ts&&... xs) const {
    using handle_type = decltype(self->request(dest, timeout, std::forward<Ts>(xs)...));
    if (!io_) return timed_request<handle_type>(self->request(dest, timeout, std::forward<Ts>(xs)...), {});
    auto handle = self->request(dest, caf::infinite, std::forward<Ts>(xs)...);
    auto cancel = io_->cancellable_after(timeout, [me = caf::actor_cast<caf::weak_actor_ptr>(self), id = handle.id()] {
      if (auto strong = me.lock()) strong->get()->eq_impl(id, nullptr, nullptr, caf::make_error(caf::sec::request_timeout));
    });
    return timed_request<handle_type>(std::move(handle), std::make_shared<timeout_guard>(std::move(cancel)));
  }

 private:
  timers(http::io_runtime* io, caf::actor_system* sys) : io_(io), sys_(sys) {}
  http::io_runtime* io_ = nullptr;
  caf::actor_system* sys_ = nullptr;
};

}  // namespace cx
