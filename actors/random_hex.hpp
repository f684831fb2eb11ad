// Unguessable identifiers from OpenSSL's CSPRNG, as lowercase hex.
#pragma once

#include <cstddef>
#include <string>

namespace cx {

// `bytes` random bytes (2 * bytes hex digits); throws std::runtime_error if OpenSSL cannot seed.
std::string random_hex(std::size_t bytes);

}  // namespace cx
