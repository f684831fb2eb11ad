// Internal: the asio side of io_runtime. Included only by http/*.cpp.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <optional>
#include <thread>
#include <vector>

#include "http/io_runtime.hpp"

namespace cx::http {

struct io_runtime::impl {
  explicit impl(int n) : ioc(n), threads_wanted(n) {}
  boost::asio::io_context ioc;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::vector<std::thread> threads;
  int threads_wanted;
};

}  // namespace cx::http
