// What the shared submission stream journals per accepted submission, and its codec to and from
// a Redis stream entry's field list. Decoding takes what Redis hands back as untrusted: a missing,
// repeated, oversized or malformed field is an error value, never an exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cx {

struct stream_entry {
  std::string submission_id;
  std::string question_id;
  std::string request_id;     // of the accepting request, so every pod's logs name it
  std::string payload;        // the validated POST /v1/judge-question body, JSON text
  std::int64_t accepted_at_ms = 0;  // wall clock, ms since the Unix epoch
  std::int64_t deadline_ms = 0;     // accepted_at_ms + MAX_REQUEST_RUNTIME_MS, the same for every pod
};

// A stream entry's fields in order, as XADD takes them and XREADGROUP returns them.
using stream_fields = std::vector<std::pair<std::string, std::string>>;

// Bounds on what decoding accepts. The submission and question ids are repeated outside the
// payload so that an entry with an unusable payload can still get its error result.
struct stream_entry_caps {
  std::size_t max_id_bytes = 128;
  std::size_t max_payload_bytes = 1048576;  // MAX_BODY_BYTES
  std::size_t max_fields = 16;              // newer pods may add fields; older ones skip them
};

inline constexpr std::string_view kStreamEntryVersion = "1";

// One entry as a consumer gets it. An entry whose fields are unusable still comes with its id,
// so that the caller can log it and remove it instead of meeting it again forever.
struct stream_delivery {
  std::string id;
  std::int64_t deliveries = 1;  // Redis's delivery counter, 1 for the first read
  std::variant<stream_entry, std::string> entry;
};

stream_fields encode_stream_entry(const stream_entry& e);
// The entry, or why the fields are not one.
std::variant<stream_entry, std::string> decode_stream_entry(const stream_fields& fields,
                                                            const stream_entry_caps& caps = {});

}  // namespace cx
