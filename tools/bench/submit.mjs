// Bounded concurrent keep-alive client: POSTs <count> judge-question requests, <concurrency> at a time.
//   node submit.mjs <url> <key> <count> <concurrency> <id-prefix> <max-seconds>
//   -> {"sent", "codes":{...}, "startMs", "elapsedMs"}
import http from 'node:http';

const [url, key, count, conc, prefix, maxS] = process.argv.slice(2);
const total = Number(count);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(conc) });
const codes = {};
let next = 0, done = 0;
const startMs = performance.timeOrigin + performance.now();

function finish() {
  console.log(JSON.stringify({ sent: done, codes, startMs, elapsedMs: performance.now() - (startMs - performance.timeOrigin) }));
  process.exit(0);
}
setTimeout(finish, Number(maxS) * 1000).unref();

function one() {
  if (next >= total) return;
  const i = next++;
  const body = JSON.stringify({ questionId: 'q1', submissionId: `${prefix}-${i}`, languageId: 71, sourceCode: "print('ok')" });
  const req = http.request(url, { method: 'POST', agent, headers: {
    'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Code-Exec-Key': key } }, (res) => {
    res.resume();
    res.on('end', () => { codes[res.statusCode] = (codes[res.statusCode] || 0) + 1; if (++done === total) finish(); one(); });
  });
  req.on('error', (e) => { codes[e.code] = (codes[e.code] || 0) + 1; if (++done === total) finish(); one(); });
  req.end(body);
}
for (let k = 0; k < Number(conc); k++) one();
