// The shared submission stream on Redis (a Streams consumer group), as non-blocking commands on
// the service's asynchronous Redis connections (http/redis_client). Mechanism only: the caller
// decides with actors/policy/stream_lease what to ask for (how many, how idle, which counts).
// Every callback runs once, on the io thread, with an error string empty on success. Scripts
// keep each decision atomic where two commands would leave a window between them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "http/redis_client.hpp"
#include "messages/stream_entry.hpp"

namespace cx::redis {

struct stream_names {
  std::string stream = "code-exec:submissions";
  std::string group = "code-exec";
  std::string dedup_prefix = "code-exec:submitted:";  // + submissionId: journaled once across pods
};

struct journal_outcome {
  enum class kind { journaled, duplicate, failed };
  kind what = kind::failed;
  std::string id;           // journaled: the entry id
  std::int64_t length = 0;  // journaled: the stream's length and the group's pending count right after
  std::int64_t pending = 0;
  std::string error;        // failed
};

struct deliveries_result {
  std::vector<stream_delivery> entries;
  std::string cursor = "0-0";        // take_over: where the next sweep starts ("0-0": from the start)
  std::vector<std::string> deleted;  // take_over: pending ids whose entries were gone (dropped, not delivered)
  std::string error;
};

struct ids_result {
  std::vector<std::string> ids;
  std::string error;
};

// A submission's duplicate mark, as marks() reads it.
enum class mark_state { journaled, ready, gone };

struct marks_result {
  std::vector<mark_state> states;  // in the order asked
  std::string error;
};

struct backlog_result {
  std::int64_t length = 0;
  std::int64_t pending = 0;
  std::string error;
};

using done_fn = std::function<void(std::string error)>;

class stream_store {
 public:
  // `reader` serves read() only: a blocking read holds its connection, so it gets one of its own
  // whose command timeout exceeds the block. Both clients must outlive the store's commands.
  stream_store(commands& connection, commands& reader, stream_names names, stream_entry_caps caps = {});

  // XGROUP CREATE ... MKSTREAM from the stream's start; an existing group is fine.
  void create_group(done_fn done);
  // Appends the entry unless its submission is journaled already (by any pod): its duplicate mark
  // lives until remove(), or `dedup_ttl` at most. The mark says "journaled" until mark_ready():
  // a peer that reads the entry first waits for that, so no result can reach Convex before the
  // accepting pod's mark-running did, and none at all for a submission whose mark-running failed.
  // Its TTL is kept.
  void journal(const stream_entry& e, std::chrono::milliseconds dedup_ttl, std::function<void(journal_outcome)> done);
  // Convex knows the submission runs: any pod may run its entry.
  void mark_ready(const std::string& submission_id, done_fn done);
  // The marks of these submissions (gone: removed, or never journaled).
  void marks(const std::vector<std::string>& submission_ids, std::function<void(marks_result)> done);
  // New entries for `consumer`, at most `count` (0 or less asks Redis nothing: COUNT 0 means no
  // limit). A `block` above zero waits that long for one.
  void read(const std::string& consumer, int count, std::chrono::milliseconds block,
            std::function<void(deliveries_result)> done);
  // Resets the idle time of those `ids` that `consumer` still holds; answers those ids. One that
  // a peer took over meanwhile stays the peer's.
  void refresh(const std::string& consumer, const std::vector<std::string>& ids, std::function<void(ids_result)> done);
  // Drain: gives `consumer`'s entries the idle time `idle` and the delivery counter given with
  // each id, so peers claim them at once; answers the ids released.
  void release(const std::string& consumer, const std::vector<std::pair<std::string, std::int64_t>>& id_counts,
               std::chrono::milliseconds idle, std::function<void(ids_result)> done);
  // XAUTOCLAIM for `consumer`: up to `count` entries idle at least `min_idle`, from `cursor`,
  // each with its delivery counter.
  void take_over(const std::string& consumer, std::chrono::milliseconds min_idle, int count, const std::string& cursor,
                 std::function<void(deliveries_result)> done);
  // Forgets a submission once its result was delivered (or definitively failed), or when its
  // mark-running failed: XDEL, XACK, then DEL of its duplicate mark, pipelined. So a later
  // request with the same submissionId runs again, as in memory mode. In that order a lost XACK
  // leaves only a pending id without an entry, which the next take-over drops; XACK first and a
  // lost XDEL would leave an entry that no one is ever given again. Every step is idempotent:
  // retry it as a whole.
  void remove(const std::string& id, const std::string& submission_id, done_fn done);
  // The stream's length and the group's pending count (stream_lease's shared_backlog).
  void backlog(std::function<void(backlog_result)> done);

 private:
  void claim_own(const std::string& consumer, std::vector<std::string> id_counts, std::chrono::milliseconds idle,
                 std::function<void(ids_result)> done);

  commands& commands_;
  commands& reader_;
  stream_names names_;
  stream_entry_caps caps_;
};

}  // namespace cx::redis
