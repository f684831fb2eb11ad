// Time to verdict, closed loop: <lanes> lanes each submit one submission, wait until tools/convex-dev
// holds its result, then submit the next, until <count> are done or <max-seconds> pass. With lanes
// at most Judge0's workers and code-exec's slots, nothing queues, so a submission's time from
// "running" to its result is its jobs' run time plus what code-exec and Judge0's API add.
//   node verdict.mjs <service-url> <key> <convex-url> <question> <count> <lanes> <id-prefix> <max-seconds>
//   -> {"done", "codes":{...}, "statuses":{...}, "resultMs"} (resultMs: the sum over the done ones)
import http from 'node:http';

const [url, key, convex, question, count, lanes, prefix, maxS] = process.argv.slice(2);
const total = Number(count);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(lanes) * 2 });
const codes = {}, statuses = {};
let next = 0, done = 0, resultMs = 0;
const stopAt = Date.now() + Number(maxS) * 1000;

function call(method, target, body, headers = {}) {
  return new Promise((resolve) => {
    const req = http.request(target, { method, agent, timeout: 5000, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: e.code ?? 'error', text: '' }));
    req.end(body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function lane() {
  while (next < total && Date.now() < stopAt) {
    const id = `${prefix}-${next++}`;
    const body = JSON.stringify({ questionId: question, submissionId: id, languageId: 71, sourceCode: "print('ok')" });
    const r = await call('POST', url, body, {
      'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Code-Exec-Key': key });
    codes[r.status] = (codes[r.status] ?? 0) + 1;
    if (r.status !== 202) continue;
    const sent = Date.now();
    while (Date.now() < stopAt) {
      // Checks thin out as the wait grows, so the lanes do not load the machine they measure.
      await sleep(Math.max(10, (Date.now() - sent) / 10));
      const s = await call('GET', `${convex}/submissions/${encodeURIComponent(id)}`);
      if (s.status !== 200) continue;
      const sub = JSON.parse(s.text);
      if (!sub.result) continue;
      const running = sub.history.find((h) => h.status === 'running');
      const last = sub.history[sub.history.length - 1];
      statuses[last.status] = (statuses[last.status] ?? 0) + 1;
      if (!running) break;  // never marked running: counted by its status, not timed
      resultMs += Date.parse(last.at) - Date.parse(running.at);
      done++;
      break;
    }
  }
}

await Promise.all(Array.from({ length: Number(lanes) }, lane));
console.log(JSON.stringify({ done, codes, statuses, resultMs }));
process.exit(0);
