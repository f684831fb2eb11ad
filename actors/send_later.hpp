// delayed_send to self, timed by the io thread instead of CAF's clock thread. CAF 0.17's clock
// wakes its thread for every timer set or cancelled (a request timeout is both); at thousands of
// submissions a second that cost more than the work. The io thread is awake anyway.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/local_actor.hpp>
#include <caf/send.hpp>

#include <chrono>

#include "http/io_runtime.hpp"

namespace cx {

template <class... Ts>
void send_later(http::io_runtime& io, caf::local_actor* self, std::chrono::milliseconds delay, Ts... xs) {
  io.after(delay, [me = caf::actor_cast<caf::actor>(self), xs...] { caf::anon_send(me, xs...); });
}

}  // namespace cx
