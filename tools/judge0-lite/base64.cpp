#include "base64.hpp"

#include <array>
#include <cstdint>

namespace judge0_lite {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}

constexpr auto decode_table = make_decode_table();
constexpr std::size_t line_length = 60;

}  // namespace

std::string encode64(std::string_view bytes) {
  std::string plain;
  plain.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                      (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                      static_cast<unsigned char>(bytes[i + 2]);
    plain += alphabet[(v >> 18) & 63];
    plain += alphabet[(v >> 12) & 63];
    plain += alphabet[(v >> 6) & 63];
    plain += alphabet[v & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    plain += alphabet[(v >> 18) & 63];
    plain += alphabet[(v >> 12) & 63];
    plain += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    plain += '=';
  }
  std::string out;
  out.reserve(plain.size() + plain.size() / line_length + 1);
  for (std::size_t pos = 0; pos < plain.size(); pos += line_length) {
    out.append(plain, pos, line_length);
    out += '\n';
  }
  return out;
}

std::string decode64(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    std::int8_t v = decode_table[static_cast<unsigned char>(c)];
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace judge0_lite
