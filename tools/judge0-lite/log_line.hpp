// judge0-lite's JSON lines: one object per line, flushed at once. Callers never put source
// code, stdin, outputs or callback URLs (they may hold a secret) in them.
#pragma once

#include <boost/json/object.hpp>

#include <cstdio>

namespace judge0_lite {

void print_line(std::FILE* to, const boost::json::object& o);

}  // namespace judge0_lite
