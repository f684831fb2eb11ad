#include "actors/policy/auth.hpp"
#include "actors/policy/signing.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace cx;

TEST(Signing, MatchesTheSharedTestVectors) {
  std::ifstream in(std::string(CX_SOURCE_DIR) + "/tools/samples/signature-vectors.json");
  ASSERT_TRUE(in) << "vector file missing";
  std::stringstream ss;
  ss << in.rdbuf();
  auto vectors = boost::json::parse(ss.str()).as_array();
  ASSERT_GE(vectors.size(), 3u);
  for (const auto& v : vectors) {
    const auto& o = v.as_object();
    auto ts = std::stoll(std::string(o.at("timestamp").as_string()));
    EXPECT_EQ(sign_payload(std::string(o.at("secret").as_string()), ts, std::string(o.at("body").as_string())),
              std::string(o.at("signature").as_string()))
        << o.at("name").as_string();
  }
}

TEST(Signing, VerifiesWithAnyConfiguredSecret) {
  std::vector<std::string> secrets{"old", "new"};
  auto sig = sign_payload("new", 1000, "{}");
  EXPECT_EQ(verify_signature(secrets, "1000", sig, "{}", 1000, 300), signature_check::ok);
}

TEST(Signing, RefusesStaleAndFutureTimestamps) {
  std::vector<std::string> secrets{"s"};
  auto sig = sign_payload("s", 1000, "{}");
  EXPECT_EQ(verify_signature(secrets, "1000", sig, "{}", 1301, 300), signature_check::stale);
  EXPECT_EQ(verify_signature(secrets, "1000", sig, "{}", 699, 300), signature_check::stale);
  EXPECT_EQ(verify_signature(secrets, "1000", sig, "{}", 1300, 300), signature_check::ok);
}

TEST(Signing, ABodyReplayedWithAnotherTimestampFails) {
  std::vector<std::string> secrets{"s"};
  auto sig = sign_payload("s", 1000, "{\"a\":1}");
  EXPECT_EQ(verify_signature(secrets, "1001", sig, "{\"a\":1}", 1001, 300), signature_check::mismatch);
  EXPECT_EQ(verify_signature(secrets, "1000", sig, "{\"a\":2}", 1000, 300), signature_check::mismatch);
}

TEST(Signing, MissingOrMalformedHeadersAreRefused) {
  std::vector<std::string> secrets{"s"};
  EXPECT_EQ(verify_signature(secrets, "", "v1=ab", "", 0, 300), signature_check::missing);
  EXPECT_EQ(verify_signature(secrets, "12x", sign_payload("s", 12, ""), "", 12, 300), signature_check::malformed);
  EXPECT_EQ(verify_signature(secrets, "12", "v2=00", "", 12, 300), signature_check::malformed);
}

TEST(Auth, MatchesAnyRotatedKeyAndReportsItsIndex) {
  std::vector<std::string> keys{"alpha", "beta"};
  EXPECT_EQ(match_api_key(keys, "beta"), 1);
  EXPECT_EQ(match_api_key(keys, "alpha"), 0);
  EXPECT_EQ(match_api_key(keys, "gamma"), -1);
  EXPECT_EQ(match_api_key(keys, ""), -1);
  EXPECT_EQ(match_api_key(keys, "alph"), -1);
}

TEST(Signing, HeaderChecksAloneCatchMissingMalformedAndStale) {
  auto sig = sign_payload("s", 1000, "body");
  EXPECT_EQ(check_signature_headers("1000", sig, 1000, 300), signature_check::ok);
  EXPECT_EQ(check_signature_headers("", sig, 1000, 300), signature_check::missing);
  EXPECT_EQ(check_signature_headers("1000", "v1=zz", 1000, 300), signature_check::malformed);
  EXPECT_EQ(check_signature_headers("1000", sig, 2000, 300), signature_check::stale);
}
