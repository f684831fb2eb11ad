// A stream entry's fields as Redis hands them back, from bytes: NUL-separated tokens taken as
// name, value, name, value... Decoding never crashes; whatever it accepts is within its caps and
// survives encode + decode unchanged. The same tokens as an entry's values must round-trip
// whenever they are within the caps.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "fuzz_check.hpp"
#include "messages/stream_entry.hpp"

namespace {

using namespace cx;

std::vector<std::string> tokens(std::string_view bytes) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= bytes.size() && out.size() < 64) {
    auto end = bytes.find('\0', start);
    if (end == std::string_view::npos) end = bytes.size();
    out.emplace_back(bytes.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool same(const stream_entry& a, const stream_entry& b) {
  return a.submission_id == b.submission_id && a.question_id == b.question_id && a.request_id == b.request_id &&
         a.payload == b.payload && a.accepted_at_ms == b.accepted_at_ms && a.deadline_ms == b.deadline_ms;
}

void check_accepted(const stream_entry& e, const stream_entry_caps& caps) {
  FUZZ_CHECK(!e.submission_id.empty() && e.submission_id.size() <= caps.max_id_bytes);
  FUZZ_CHECK(!e.question_id.empty() && e.question_id.size() <= caps.max_id_bytes);
  FUZZ_CHECK(!e.request_id.empty() && e.request_id.size() <= caps.max_id_bytes);
  FUZZ_CHECK(!e.payload.empty() && e.payload.size() <= caps.max_payload_bytes);
  FUZZ_CHECK(e.accepted_at_ms >= 0 && e.deadline_ms >= e.accepted_at_ms);
  auto again = decode_stream_entry(encode_stream_entry(e), caps);
  FUZZ_CHECK(std::holds_alternative<stream_entry>(again) && same(std::get<stream_entry>(again), e));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const stream_entry_caps defaults{};
  static const stream_entry_caps tiny{8, 16, 9};
  auto t = tokens(fuzz::as_view(data, size));

  stream_fields fields;
  for (std::size_t i = 0; i + 1 < t.size(); i += 2) fields.emplace_back(t[i], t[i + 1]);
  for (const auto* caps : {&defaults, &tiny}) {
    auto r = decode_stream_entry(fields, *caps);
    if (auto* e = std::get_if<stream_entry>(&r)) check_accepted(*e, *caps);
    else FUZZ_CHECK(!std::get<std::string>(r).empty());
  }

  if (t.size() >= 6) {
    stream_entry e{t[0], t[1], t[2], t[3], static_cast<std::int64_t>(t[4].size()),
                   static_cast<std::int64_t>(t[4].size() + t[5].size())};
    auto r = decode_stream_entry(encode_stream_entry(e), defaults);
    auto id_ok = [](const std::string& id) { return !id.empty() && id.size() <= defaults.max_id_bytes; };
    bool within = id_ok(e.submission_id) && id_ok(e.question_id) && id_ok(e.request_id) && !e.payload.empty() &&
                  e.payload.size() <= defaults.max_payload_bytes;
    FUZZ_CHECK(std::holds_alternative<stream_entry>(r) == within);
    if (within) FUZZ_CHECK(same(std::get<stream_entry>(r), e));
  }
  return 0;
}
