#include "messages/stream_entry.hpp"

#include <array>
#include <charconv>
#include <optional>

namespace cx {

namespace {

enum field : std::size_t { version, submission, question, request, payload, accepted_at, deadline, count };
constexpr std::array<std::string_view, field::count> kNames{"v", "sid", "qid", "rid", "payload", "acc", "dl"};

std::optional<std::size_t> field_index(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return i;
  return std::nullopt;
}

// A non-negative decimal, digits only (no sign, no spaces), that fits in int64 (from_chars says).
std::optional<std::int64_t> parse_ms(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  std::int64_t v = 0;
  if (std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc()) return std::nullopt;  // empty, too big
  return v;
}

}  // namespace

stream_fields encode_stream_entry(const stream_entry& e) {
  return {{std::string(kNames[version]), std::string(kStreamEntryVersion)},
          {std::string(kNames[submission]), e.submission_id},
          {std::string(kNames[question]), e.question_id},
          {std::string(kNames[request]), e.request_id},
          {std::string(kNames[payload]), e.payload},
          {std::string(kNames[accepted_at]), std::to_string(e.accepted_at_ms)},
          {std::string(kNames[deadline]), std::to_string(e.deadline_ms)}};
}

std::variant<stream_entry, std::string> decode_stream_entry(const stream_fields& fields,
                                                            const stream_entry_caps& caps) {
  if (fields.size() > caps.max_fields) return "stream entry has too many fields";
  std::array<const std::string*, field::count> seen{};
  for (const auto& [name, value] : fields) {
    auto i = field_index(name);
    if (!i) continue;
    if (seen[*i]) return "stream entry repeats field " + name;
    seen[*i] = &value;
  }
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (!seen[i]) return "stream entry lacks field " + std::string(kNames[i]);
  if (*seen[version] != kStreamEntryVersion) return "stream entry has an unknown version";

  stream_entry e;
  for (auto [i, out] : {std::pair{submission, &e.submission_id}, std::pair{question, &e.question_id},
                        std::pair{request, &e.request_id}}) {
    const auto& v = *seen[i];
    if (v.empty() || v.size() > caps.max_id_bytes)
      return "stream entry has an unusable " + std::string(kNames[i]);
    *out = v;
  }
  if (seen[payload]->empty() || seen[payload]->size() > caps.max_payload_bytes)
    return "stream entry has an unusable payload";
  e.payload = *seen[payload];
  auto acc = parse_ms(*seen[accepted_at]);
  auto dl = parse_ms(*seen[deadline]);
  if (!acc || !dl || *dl < *acc) return "stream entry has unusable times";
  e.accepted_at_ms = *acc;
  e.deadline_ms = *dl;
  return e;
}

}  // namespace cx
