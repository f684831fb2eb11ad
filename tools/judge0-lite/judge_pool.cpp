#include "judge_pool.hpp"

#include <chrono>
#include <cstdio>
#include <exception>

namespace judge0_lite {

judge_pool::judge_pool(submission_store& store, const language_table& languages, judge_environment env,
                       int workers, std::size_t max_queue, std::optional<uid_t> uid_base)
    : store_(store), languages_(languages), max_queue_(max_queue) {
  env.cancel = &cancel_;
  for (int i = 0; i < std::max(1, workers); ++i) {
    judge_environment mine = env;
    if (uid_base) {
      identity who = env.run_as.value_or(identity{});
      who.uid = *uid_base + static_cast<uid_t>(i);
      mine.run_as = who;
    }
    threads_.emplace_back([this, mine = std::move(mine)] { work(mine); });
  }
}

judge_pool::~judge_pool() { stop(); }

judge_pool::admission judge_pool::submit(submission s, completion on_done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return admission::stopped;
    if (queue_.size() + 1 > max_queue_) return admission::queue_full;
    std::string token = s.token;
    store_.insert(std::move(s));
    queue_.push_back(job{std::move(token), std::move(on_done)});
  }
  wake_.notify_one();
  return admission::queued;
}

std::size_t judge_pool::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool judge_pool::full() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + 1 > max_queue_;
}

void judge_pool::stop() {
  std::deque<job> abandoned;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    abandoned.swap(queue_);
  }
  cancel_ = true;
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  judge_result shutting_down;
  shutting_down.status_id = status::internal_error;
  shutting_down.message = "judge0-lite is shutting down";
  for (const auto& j : abandoned) finish(j, shutting_down);
}

void judge_pool::work(judge_environment env) {
  for (;;) {
    job j;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      j = std::move(queue_.front());
      queue_.pop_front();
    }
    ++busy_;
    std::optional<submission> snapshot;
    store_.update(j.token, [&](submission& s) {
      s.status_id = status::processing;
      snapshot = s;
    });
    judge_result result;
    result.status_id = status::internal_error;
    if (!snapshot) {
      result.message = "submission vanished from the store";
    } else if (const language* lang = languages_.find(snapshot->language_id); lang == nullptr) {
      result.message = "language with id " + std::to_string(snapshot->language_id) + " is not installed";
    } else {
      try {
        result = judge_submission(*snapshot, *lang, env);
      } catch (const std::exception& e) {
        result = judge_result{};
        result.message = e.what();
      }
    }
    finish(j, result);
    --busy_;
  }
}

void judge_pool::finish(const job& j, const judge_result& result) {
  std::optional<submission> done;
  store_.update(j.token, [&](submission& s) {
    s.result = result;
    s.status_id = result.status_id;
    s.finished_at = std::chrono::system_clock::now();
    done = s;
  });
  if (!done || !j.on_done) return;
  try {
    j.on_done(*done);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "{\"msg\":\"completion handler threw\",\"error\":\"%s\"}\n", e.what());
  }
}

}  // namespace judge0_lite
