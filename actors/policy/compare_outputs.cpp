#include "actors/policy/compare_outputs.hpp"

#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <string>

namespace cx {
namespace {

bool is_js_whitespace(std::uint32_t cp) {
  switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
    case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000: case 0xFEFF:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

// Start of the UTF-8 sequence ending at `end` (exclusive) and its code point; a stray byte
// decodes to itself and so never counts as whitespace above 0x7F.
std::size_t last_code_point(std::string_view s, std::size_t end, std::uint32_t& cp) {
  std::size_t start = end - 1;
  int continuation = 0;
  while (start > 0 && continuation < 3 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
    --start;
    ++continuation;
  }
  auto lead = static_cast<unsigned char>(s[start]);
  int len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (len != continuation + 1) {
    cp = static_cast<unsigned char>(s[end - 1]) | 0x80000000u;  // not whitespace
    return end - 1;
  }
  cp = len == 1 ? lead : len == 2 ? (lead & 0x1Fu) : len == 3 ? (lead & 0x0Fu) : (lead & 0x07u);
  for (std::size_t i = start + 1; i < end; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3Fu);
  return start;
}

// Appends `run` (the UTF-16 of `original`) lowercased with ICU's full mapping in the root locale,
// as JavaScript's toLowerCase does (final sigma, U+0130 to two code points).
void append_lower(std::string_view original, const std::u16string& run, std::string& out) {
  if (run.empty()) return;
  auto n = static_cast<int32_t>(run.size());
  UErrorCode err = U_ZERO_ERROR;
  std::u16string lower(run.size() + 16, u'\0');
  auto lower_len = u_strToLower(lower.data(), static_cast<int32_t>(lower.size()), run.data(), n, "", &err);
  if (err == U_BUFFER_OVERFLOW_ERROR) {
    err = U_ZERO_ERROR;
    lower.resize(static_cast<std::size_t>(lower_len));
    lower_len = u_strToLower(lower.data(), lower_len, run.data(), n, "", &err);
  }
  std::string utf8(static_cast<std::size_t>(lower_len) * 3, '\0');
  int32_t utf8_len = 0;
  if (U_SUCCESS(err)) {
    u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &utf8_len, lower.data(), lower_len, &err);
  }
  if (U_FAILURE(err)) out.append(original);  // ICU out of memory: keep the text as it was
  else out.append(utf8, 0, static_cast<std::size_t>(utf8_len));
}

std::string collapse_blanks(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  bool in_run = false;
  for (char c : line) {
    if (c == ' ' || c == '\t') {
      if (!in_run) out += ' ';
      in_run = true;
    } else {
      out += c;
      in_run = false;
    }
  }
  return out;
}

}  // namespace

std::string_view trim_end_js(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0) {
    std::uint32_t cp = 0;
    std::size_t start = last_code_point(s, end, cp);
    if (!is_js_whitespace(cp)) break;
    end = start;
  }
  return s.substr(0, end);
}

std::string to_lower_js(std::string_view s) {
  bool ascii = true;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii || s.size() > INT32_MAX / 16) {  // the bound keeps every ICU length in int32_t
    std::string out(s);
    for (auto& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return out;
  }
  // As Boost.Locale did before: runs of valid UTF-8 are lowercased, other bytes kept as sent.
  std::string out;
  out.reserve(s.size());
  std::u16string run;
  std::size_t run_start = 0;
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0) {
      append_lower(s.substr(run_start, static_cast<std::size_t>(start) - run_start), run, out);
      run.clear();
      run_start = static_cast<std::size_t>(i);
      out.append(s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    } else if (c <= 0xFFFF) {
      run.push_back(static_cast<char16_t>(c));
    } else {
      run.push_back(static_cast<char16_t>(U16_LEAD(c)));
      run.push_back(static_cast<char16_t>(U16_TRAIL(c)));
    }
  }
  append_lower(s.substr(run_start), run, out);
  return out;
}

std::string normalize_output(std::string_view input, const output_comparison& cmp) {
  std::string text;
  text.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '\r' && i + 1 < input.size() && input[i + 1] == '\n') continue;
    text += input[i];
  }
  std::string_view whole = text;
  if (cmp.trim_outputs) whole = trim_end_js(whole);
  std::string out;
  out.reserve(whole.size());
  std::size_t pos = 0;
  while (true) {
    auto nl = whole.find('\n', pos);
    std::string_view raw = whole.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    std::string line(raw);
    if (cmp.normalize_whitespace) line = collapse_blanks(line);
    if (!cmp.case_sensitive) line = to_lower_js(line);
    if (cmp.trim_outputs) line = std::string(trim_end_js(line));
    out += line;
    if (nl == std::string_view::npos) break;
    out += '\n';
    pos = nl + 1;
  }
  return out;
}

bool compare_outputs(std::string_view actual, std::string_view expected, const output_comparison& cmp) {
  return normalize_output(actual, cmp) == normalize_output(expected, cmp);
}

}  // namespace cx
