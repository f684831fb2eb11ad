// Paced submissions spread over several pods: submission i goes to pod i mod n at about
// i * <spread-s> / <count> seconds from the start (open loop, at most <concurrency> in flight); a
// transport error (the pod is gone) retries the same id on the next pod, at most once per pod, as
// a client behind a load balancer would. Writes every id's final answer to <out-file> (one
// "id status" line each: a status code, or the last transport error), then prints a summary.
//   node spread.mjs <key> <count> <spread-s> <concurrency> <id-prefix> <max-seconds> <out-file> <url>...
//   -> {"sent", "codes":{...}, "retried", "startMs", "elapsedMs"}
import fs from 'node:fs';
import http from 'node:http';

const [key, count, spreadS, conc, prefix, maxS, outFile, ...urls] = process.argv.slice(2);
const total = Number(count);
const gapMs = (Number(spreadS) * 1000) / total;
const agents = urls.map(() => new http.Agent({ keepAlive: true, maxSockets: Number(conc) }));
const final = new Map();
const codes = {};
let retried = 0, inFlight = 0, done = 0, next = 0;
const t0 = performance.now();
const startMs = performance.timeOrigin + t0;

function finish() {
  fs.writeFileSync(outFile, [...final].map(([id, s]) => `${id} ${s}\n`).join(''));
  for (const s of final.values()) codes[s] = (codes[s] || 0) + 1;
  console.log(JSON.stringify({ sent: done, codes, retried, startMs, elapsedMs: performance.now() - t0 }));
  process.exit(0);
}
setTimeout(finish, Number(maxS) * 1000).unref();

function settle(id, status) {
  final.set(id, status);
  inFlight--;
  if (++done === total) finish();
  drain();
}

function send(id, pod, tries) {
  const body = JSON.stringify({ questionId: 'q1', submissionId: id, languageId: 71, sourceCode: "print('ok')" });
  const req = http.request(urls[pod], { method: 'POST', agent: agents[pod], timeout: 10000, headers: {
    'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Code-Exec-Key': key } }, (res) => {
    res.resume();
    res.on('end', () => settle(id, String(res.statusCode)));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => {
    if (tries + 1 < urls.length) { retried++; send(id, (pod + 1) % urls.length, tries + 1); } else settle(id, e.code || e.message);
  });
  req.end(body);
}

// Due submissions go out as long as fewer than <concurrency> are in flight.
function drain() {
  const due = Math.min(total, Math.floor((performance.now() - t0) / gapMs) + 1);
  while (next < due && inFlight < Number(conc)) {
    const i = next++;
    inFlight++;
    send(`${prefix}-${i}`, i % urls.length, 0);
  }
  if (next >= total) clearInterval(tick);
}
const tick = setInterval(drain, Math.max(1, Math.min(20, gapMs / 2)));
drain();
