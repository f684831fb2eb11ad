// What an id must look like to travel safely: submissionId becomes the Idempotency-Key header of
// the result callback, so a byte that no header can carry would strand the submission.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cx {

// submissionId, questionId and X-Code-Exec-Subject: at most this many bytes.
inline constexpr std::size_t kMaxIdBytes = 128;

// Why `id` cannot be used (a validation message), or nullopt when it can: 1 to kMaxIdBytes bytes,
// each visible ASCII (0x21-0x7E), so it is legal and unchanged in any header value.
std::optional<std::string> id_problem(std::string_view id);

}  // namespace cx
