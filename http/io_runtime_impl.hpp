// Internal: the asio side of io_runtime. Included only by http/*.cpp.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <optional>
#include <thread>

#include "http/io_runtime.hpp"

namespace cx::http {

struct io_runtime::impl {
  boost::asio::io_context ioc{1};  // concurrency hint: one thread runs it
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::thread thread;
};

}  // namespace cx::http
