// The queue and the worker threads that judge submissions (Judge0's Resque queue and workers).
// All blocking work happens on these threads; HTTP threads only enqueue and read the store.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "judge.hpp"
#include "languages.hpp"
#include "submission_store.hpp"

namespace judge0_lite {

class judge_pool {
 public:
  // Called on a worker thread with the finished submission.
  using completion = std::function<void(const submission&)>;
  enum class admission { queued, queue_full, stopped };

  // With `uid_base`, worker i runs programs as uid_base + i instead of env.run_as's uid, so one
  // submission's processes never count against another's RLIMIT_NPROC.
  judge_pool(submission_store& store, const language_table& languages, judge_environment env, int workers,
             std::size_t max_queue, std::optional<uid_t> uid_base = std::nullopt);
  ~judge_pool();
  judge_pool(const judge_pool&) = delete;
  judge_pool& operator=(const judge_pool&) = delete;

  // Stores the submission (status In Queue) and queues it, unless `max_queue` submissions are
  // already waiting (Judge0 counts waiting jobs only, not running ones).
  admission submit(submission s, completion on_done = {});

  std::size_t waiting() const;
  bool full() const;
  int busy() const { return busy_.load(); }
  int workers() const { return static_cast<int>(threads_.size()); }

  // Kills running programs, finishes queued submissions as Internal Error, joins. Idempotent.
  void stop();

 private:
  struct job {
    std::string token;
    completion on_done;
  };
  void work(judge_environment env);
  void finish(const job& j, const judge_result& result);

  submission_store& store_;
  const language_table& languages_;
  std::size_t max_queue_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};
  std::atomic<int> busy_{0};
  std::vector<std::thread> threads_;
};

}  // namespace judge0_lite
