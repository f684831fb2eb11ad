// Convex stand-in that counts: one public testcase expecting "ok"; records when each result arrives.
//   node convex-count.mjs   -> prints {"port":P}
//   GET /stats -> {running, fetched, results, passed, lastResultMs, failures: {"<status>: <message>": n}}
import http from 'node:http';

const question = JSON.stringify({
  question: { _id: 'q1', timeLimitSeconds: 2, memoryLimitMb: 128,
    outputComparison: { trimOutputs: true, normalizeWhitespace: false, caseSensitive: true } },
  testCases: [{ _id: 't1', visibility: 'public', stdin: '1', expectedStdout: 'ok', order: 0 }],
});
const stats = { running: 0, fetched: 0, results: 0, passed: 0, lastResultMs: 0, failures: {} };
const now = () => performance.timeOrigin + performance.now();

function send(res, code, body) {
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    switch (req.url) {
      case '/coding/submission-running': stats.running++; return send(res, 200, '{"ok":true}');
      case '/coding/testcases': stats.fetched++; return send(res, 200, question);
      case '/coding/submission-result': {
        stats.results++; stats.lastResultMs = now();
        try {
          const r = JSON.parse(Buffer.concat(chunks));
          if (r.status === 'passed') stats.passed++;
          else { const why = `${r.status}: ${r.firstFailure?.errorMessage}`; stats.failures[why] = (stats.failures[why] || 0) + 1; }
        } catch {}
        return send(res, 200, '{"ok":true}');
      }
      case '/stats': return send(res, 200, JSON.stringify(stats));
      default: return send(res, 404, '{"error":"not found"}');
    }
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
