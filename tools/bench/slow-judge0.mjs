// Slow Judge0 stand-in: N workers, each submission stays Processing for L ms, then Accepted "ok\n".
//   node slow-judge0.mjs <workers> <latency-ms>   -> prints {"port":P}; GET /stats for counters
//   (heldMs sums, over finished jobs, the time from submit to the poll that saw Accepted)
import http from 'node:http';

const [workers, latency] = process.argv.slice(2).map(Number);
const jobs = new Map(); // token -> status id (1 In Queue, 2 Processing, 3 Accepted)
const born = new Map(); // token -> submit time, to measure how long a client holds a job
const queue = [];
let busy = 0, submitted = 0, polls = 0, seq = 0, finished = 0, heldMs = 0;

function startNext() {
  while (busy < workers && queue.length) {
    const t = queue.shift();
    busy++; jobs.set(t, 2);
    setTimeout(() => { busy--; jobs.set(t, 3); startNext(); }, latency);
  }
}

function send(res, code, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const path = req.url.split('?')[0];
    if (req.method === 'POST' && path === '/submissions') {
      const t = `t${++seq}`;
      submitted++; jobs.set(t, 1); born.set(t, performance.now()); queue.push(t); startNext();
      return send(res, 201, { token: t });
    }
    if (req.method === 'GET' && path.startsWith('/submissions/')) {
      polls++;
      const t = path.slice('/submissions/'.length), id = jobs.get(t);
      if (!id) return send(res, 404, { error: 'not found' });
      if (id === 3) { jobs.delete(t); finished++; heldMs += performance.now() - born.get(t); born.delete(t); }
      const names = { 1: 'In Queue', 2: 'Processing', 3: 'Accepted' };
      return send(res, 200, { token: t, status: { id, description: names[id] },
        stdout: id === 3 ? 'b2sK' : null, stderr: null, compile_output: null, message: null,
        time: id === 3 ? '0.001' : null, memory: id === 3 ? 1024 : null, exit_code: id === 3 ? 0 : null });
    }
    if (path === '/stats') return send(res, 200, { submitted, finished, polls, heldMs, busy, queued: queue.length });
    send(res, 404, { error: 'not found' });
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
