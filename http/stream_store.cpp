#include "http/stream_store.hpp"

#include <memory>

namespace cx::redis {

namespace {

// Checks the group first, so that a missing group fails before anything is written. The
// duplicate mark is set only once the entry exists: Redis does not undo a script's writes, so an
// XADD that failed after the mark would leave the submission "in flight" with nothing to run.
constexpr const char* kJournalScript = R"lua(
local pending = redis.call('XPENDING', KEYS[1], ARGV[1])[1]
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
redis.call('SET', KEYS[2], 'journaled', 'PX', ARGV[2])
return {id, redis.call('XLEN', KEYS[1]), pending}
)lua";

// Only entries `consumer` still holds: XCLAIM alone would take one back from a peer.
constexpr const char* kClaimOwnScript = R"lua(
local held = {}
for i = 4, #ARGV, 2 do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)[1]
  if p and p[2] == ARGV[2] then
    local args = {'XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3]}
    if ARGV[i + 1] ~= '' then
      args[#args + 1] = 'RETRYCOUNT'
      args[#args + 1] = ARGV[i + 1]
    end
    args[#args + 1] = 'JUSTID'
    if #redis.call(unpack(args)) > 0 then held[#held + 1] = ARGV[i] end
  end
end
return held
)lua";

// XAUTOCLAIM's reply lacks the delivery counters; XPENDING adds them in the same step.
constexpr const char* kTakeOverScript = R"lua(
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local out = {}
for _, e in ipairs(r[2]) do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)[1]
  out[#out + 1] = {e[1], e[2], p and p[4] or 0}
end
return {r[1], out, r[3]}
)lua";

std::string error_of(const result& r) {
  if (!r.ok()) return r.error;
  if (r.value->type == reply::kind::error) return "redis: " + r.value->text;
  return {};
}

bool is_array(const reply& r, std::size_t n) { return r.type == reply::kind::array && r.elements.size() == n; }

stream_delivery to_delivery(const reply& id, const reply& fields, std::int64_t deliveries, const stream_entry_caps& caps) {
  stream_delivery d;
  d.id = id.text;
  d.deliveries = deliveries;
  if (fields.type != reply::kind::array || fields.elements.size() % 2 != 0) {
    d.entry = std::string("stream entry is not a field list");
    return d;
  }
  stream_fields f;
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2)
    f.emplace_back(fields.elements[i].text, fields.elements[i + 1].text);
  d.entry = decode_stream_entry(f, caps);
  return d;
}

// XREADGROUP's reply: nil, or [[stream, [[id, fields], ...]]].
deliveries_result read_reply(const reply& r, const stream_entry_caps& caps) {
  deliveries_result out;
  if (r.type == reply::kind::nil) return out;
  if (!is_array(r, 1) || !is_array(r.elements[0], 2) || r.elements[0].elements[1].type != reply::kind::array) {
    out.error = "unexpected XREADGROUP reply";
    return out;
  }
  for (const auto& e : r.elements[0].elements[1].elements) {
    if (!is_array(e, 2)) {
      out.error = "unexpected XREADGROUP entry";
      return out;
    }
    out.entries.push_back(to_delivery(e.elements[0], e.elements[1], 1, caps));
  }
  return out;
}

// The take-over script's reply: [cursor, [[id, fields, deliveries], ...], [deleted id, ...]].
deliveries_result take_over_reply(const reply& r, const stream_entry_caps& caps) {
  deliveries_result out;
  if (!is_array(r, 3) || r.elements[1].type != reply::kind::array || r.elements[2].type != reply::kind::array) {
    out.error = "unexpected XAUTOCLAIM reply";
    return out;
  }
  out.cursor = r.elements[0].text;
  for (const auto& e : r.elements[1].elements) {
    if (!is_array(e, 3)) {
      out.error = "unexpected XAUTOCLAIM entry";
      return out;
    }
    out.entries.push_back(to_delivery(e.elements[0], e.elements[1], e.elements[2].integer, caps));
  }
  for (const auto& id : r.elements[2].elements) out.deleted.push_back(id.text);
  return out;
}

// Sends `batch` back to back on one connection; `done` gets every result, in order, once all
// have completed (all on the io thread, so the count needs no lock).
void pipeline(commands& c, std::vector<std::vector<std::string>> batch, std::function<void(std::vector<result>)> done) {
  struct state {
    std::vector<result> results;
    std::size_t left;
    std::function<void(std::vector<result>)> done;
  };
  auto s = std::make_shared<state>(state{std::vector<result>(batch.size()), batch.size(), std::move(done)});
  for (std::size_t i = 0; i < batch.size(); ++i)
    c.command(std::move(batch[i]), [s, i](result r) {
      s->results[i] = std::move(r);
      if (--s->left == 0) s->done(std::move(s->results));
    });
}

std::string first_error(const std::vector<result>& results) {
  for (const auto& r : results)
    if (auto e = error_of(r); !e.empty()) return e;
  return {};
}

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()); }

}  // namespace

stream_store::stream_store(commands& connection, commands& reader, stream_names names, stream_entry_caps caps)
    : commands_(connection), reader_(reader), names_(std::move(names)), caps_(caps) {}

void stream_store::create_group(done_fn done) {
  commands_.command({"XGROUP", "CREATE", names_.stream, names_.group, "0", "MKSTREAM"},
                    [done = std::move(done)](result r) {
                      auto e = error_of(r);
                      if (r.ok() && r.value->text.rfind("BUSYGROUP", 0) == 0) e.clear();
                      done(std::move(e));
                    });
}

void stream_store::journal(const stream_entry& e, std::chrono::milliseconds dedup_ttl,
                           std::function<void(journal_outcome)> done) {
  std::vector<std::string> args{"EVAL", kJournalScript, "2", names_.stream, names_.dedup_prefix + e.submission_id,
                                names_.group, ms(dedup_ttl)};
  for (auto& [name, value] : encode_stream_entry(e)) {
    args.push_back(std::move(name));
    args.push_back(std::move(value));
  }
  commands_.command(std::move(args), [done = std::move(done)](result r) {
    journal_outcome out;
    out.error = error_of(r);
    if (out.error.empty()) {
      const auto& v = *r.value;
      if (v.type == reply::kind::nil) out.what = journal_outcome::kind::duplicate;
      else if (!is_array(v, 3)) out.error = "unexpected journal reply";
      else {
        out.what = journal_outcome::kind::journaled;
        out.id = v.elements[0].text;
        out.length = v.elements[1].integer;
        out.pending = v.elements[2].integer;
      }
    }
    done(std::move(out));
  });
}

void stream_store::mark_ready(const std::string& submission_id, done_fn done) {
  commands_.command({"SET", names_.dedup_prefix + submission_id, "ready", "XX", "KEEPTTL"},
                    [done = std::move(done)](result r) { done(error_of(r)); });
}

void stream_store::marks(const std::vector<std::string>& submission_ids, std::function<void(marks_result)> done) {
  if (submission_ids.empty()) return done({});
  std::vector<std::string> args{"MGET"};
  for (const auto& id : submission_ids) args.push_back(names_.dedup_prefix + id);
  commands_.command(std::move(args), [done = std::move(done), n = submission_ids.size()](result r) {
    marks_result out;
    out.error = error_of(r);
    if (out.error.empty() && !is_array(*r.value, n)) out.error = "unexpected MGET reply";
    if (out.error.empty())
      for (const auto& v : r.value->elements)
        out.states.push_back(v.type == reply::kind::nil ? mark_state::gone
                             : v.text == "ready"        ? mark_state::ready
                                                        : mark_state::journaled);
    done(std::move(out));
  });
}

void stream_store::read(const std::string& consumer, int count, std::chrono::milliseconds block,
                        std::function<void(deliveries_result)> done) {
  if (count <= 0) return done({});
  std::vector<std::string> args{"XREADGROUP", "GROUP", names_.group, consumer, "COUNT", std::to_string(count)};
  if (block.count() > 0) {
    args.push_back("BLOCK");
    args.push_back(ms(block));
  }
  for (const auto& a : {std::string("STREAMS"), names_.stream, std::string(">")}) args.push_back(a);
  reader_.command(std::move(args), [done = std::move(done), caps = caps_](result r) {
    if (auto e = error_of(r); !e.empty()) return done({{}, "0-0", {}, std::move(e)});
    done(read_reply(*r.value, caps));
  });
}

void stream_store::refresh(const std::string& consumer, const std::vector<std::string>& ids,
                           std::function<void(ids_result)> done) {
  std::vector<std::string> id_counts;
  for (const auto& id : ids) {
    id_counts.push_back(id);
    id_counts.emplace_back();  // keeps the delivery counter
  }
  claim_own(consumer, std::move(id_counts), std::chrono::milliseconds(0), std::move(done));
}

void stream_store::release(const std::string& consumer,
                           const std::vector<std::pair<std::string, std::int64_t>>& id_counts,
                           std::chrono::milliseconds idle, std::function<void(ids_result)> done) {
  std::vector<std::string> flat;
  for (const auto& [id, n] : id_counts) {
    flat.push_back(id);
    flat.push_back(std::to_string(n));
  }
  claim_own(consumer, std::move(flat), idle, std::move(done));
}

void stream_store::claim_own(const std::string& consumer, std::vector<std::string> id_counts,
                             std::chrono::milliseconds idle, std::function<void(ids_result)> done) {
  if (id_counts.empty()) return done({});
  std::vector<std::string> args{"EVAL", kClaimOwnScript, "1", names_.stream, names_.group, consumer, ms(idle)};
  for (auto& a : id_counts) args.push_back(std::move(a));
  commands_.command(std::move(args), [done = std::move(done)](result r) {
    ids_result out;
    out.error = error_of(r);
    if (out.error.empty() && r.value->type != reply::kind::array) out.error = "unexpected claim reply";
    if (out.error.empty())
      for (const auto& id : r.value->elements) out.ids.push_back(id.text);
    done(std::move(out));
  });
}

void stream_store::take_over(const std::string& consumer, std::chrono::milliseconds min_idle, int count,
                             const std::string& cursor, std::function<void(deliveries_result)> done) {
  if (count <= 0) return done({{}, cursor, {}, {}});
  commands_.command({"EVAL", kTakeOverScript, "1", names_.stream, names_.group, consumer, ms(min_idle), cursor,
                     std::to_string(count)},
                    [done = std::move(done), caps = caps_](result r) {
                      if (auto e = error_of(r); !e.empty()) return done({{}, "0-0", {}, std::move(e)});
                      done(take_over_reply(*r.value, caps));
                    });
}

void stream_store::remove(const std::string& id, const std::string& submission_id, done_fn done) {
  pipeline(commands_,
           {{"XDEL", names_.stream, id},
            {"XACK", names_.stream, names_.group, id},
            {"DEL", names_.dedup_prefix + submission_id}},
           [done = std::move(done)](std::vector<result> rs) { done(first_error(rs)); });
}

void stream_store::backlog(std::function<void(backlog_result)> done) {
  pipeline(commands_, {{"XLEN", names_.stream}, {"XPENDING", names_.stream, names_.group}},
           [done = std::move(done)](std::vector<result> rs) {
             backlog_result out;
             out.error = first_error(rs);
             if (out.error.empty() && (rs[1].value->type != reply::kind::array || rs[1].value->elements.empty()))
               out.error = "unexpected XPENDING reply";
             if (out.error.empty()) {
               out.length = rs[0].value->integer;
               out.pending = rs[1].value->elements[0].integer;
             }
             done(std::move(out));
           });
}

}  // namespace cx::redis
