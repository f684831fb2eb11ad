// base64 as Judge0 speaks it (60-character lines): the service's codec against OpenSSL's EVP
// decoder and a plain table loop encoder, on 100 B, 64 KiB and 1 MiB. It is how the choice in
// messages/base64.cpp was made (README, "Benchmarks"):
//   cmake --build build --target base64_bench && build/base64_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <random>
#include <string>

#include "messages/base64.hpp"

namespace {

std::string random_bytes(std::size_t n) {
  std::mt19937 rng(1);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// The alternative decoder: OpenSSL's, which refuses unpadded input (ours, like Node's, takes it).
std::string evp_decode(std::string_view in) {
  std::string out(in.size() / 4 * 3 + 3, '\0');
  auto* ctx = EVP_ENCODE_CTX_new();
  EVP_DecodeInit(ctx);
  int n = 0, tail = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_DecodeUpdate(ctx, dst, &n, reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size())) < 0 ||
      EVP_DecodeFinal(ctx, dst + n, &tail) < 0)
    n = tail = 0;
  EVP_ENCODE_CTX_free(ctx);
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

// The alternative encoder: the table loop the service used before EVP_EncodeBlock.
std::string loop_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 2 < bytes.size(); i += 3) {
    auto n = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i < bytes.size()) {
    auto n = at(i) << 16 | (i + 1 < bytes.size() ? at(i + 1) << 8 : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

void decode_service(benchmark::State& st) {
  auto text = cx::base64_encode_lines(random_bytes(static_cast<std::size_t>(st.range(0))));
  for (auto _ : st) benchmark::DoNotOptimize(cx::base64_decode(text));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * text.size()));
}

void decode_openssl(benchmark::State& st) {
  auto bytes = random_bytes(static_cast<std::size_t>(st.range(0)));
  auto text = cx::base64_encode_lines(bytes);
  if (evp_decode(text) != bytes) st.SkipWithError("OpenSSL decoded Judge0's format differently");
  for (auto _ : st) benchmark::DoNotOptimize(evp_decode(text));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * text.size()));
}

void encode_service(benchmark::State& st) {
  auto bytes = random_bytes(static_cast<std::size_t>(st.range(0)));
  for (auto _ : st) benchmark::DoNotOptimize(cx::base64_encode(bytes));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * bytes.size()));
}

void encode_loop(benchmark::State& st) {
  auto bytes = random_bytes(static_cast<std::size_t>(st.range(0)));
  if (loop_encode(bytes) != cx::base64_encode(bytes)) st.SkipWithError("the loop encoded differently");
  for (auto _ : st) benchmark::DoNotOptimize(loop_encode(bytes));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * bytes.size()));
}

}  // namespace

BENCHMARK(decode_service)->Arg(100)->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(decode_openssl)->Arg(100)->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(encode_service)->Arg(100)->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(encode_loop)->Arg(100)->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK_MAIN();
