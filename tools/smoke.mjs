#!/usr/bin/env node
// Smoke test of a running code-exec (Node >= 20, no packages).
//
//   node tools/smoke.mjs --url http://127.0.0.1:4001 --key KEY
//   CODE_EXEC_URL=... CODE_EXEC_KEY=... node tools/smoke.mjs
//
// Checks: /readyz is ready; 401 without a key; a Python "Hello, World!" passes 2 testcases through
// /v1/judge; a wrong expectation fails at the right index; 20 concurrent judge requests all pass
// while /healthz keeps answering fast; the rate limit answers 429 (with Retry-After and RateLimit
// headers) within a bounded burst on a dedicated X-Code-Exec-Subject, so other users' buckets are
// untouched. Prints one line per check (PASS name / FAIL name: why), then "N passed, N failed";
// exits 0 only when every check passed (2 on bad arguments).

import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

// One HTTP exchange that never throws on status: `json` is the parsed body or undefined, `ms` its
// duration. Exported for the local stack's tests (tools/openapi/stack.mjs); this file imports nothing
// from the repository, so it still runs when copied alone.
export async function fetchText(url, { method = 'GET', headers = {}, body, timeoutMs = 30000 } = {}) {
  const started = performance.now();
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, ms: performance.now() - started };
}

const USAGE = `usage: node tools/smoke.mjs [--url URL] [--key KEY] [options]
  --url URL               code-exec base URL (env CODE_EXEC_URL, default http://127.0.0.1:4001)
  --key KEY               an API key of CODE_EXEC_API_KEYS (env CODE_EXEC_KEY)
  --language-id N         Judge0 language of the Python program (default 71)
  --concurrency N         concurrent judge requests of the load check (default 20)
  --healthz-max-ms MS     slowest /healthz accepted during the load check (default 500)
  --rate-limit-max N      requests sent at most to provoke a 429 (default 300)
  --timeout-ms MS         timeout of one request (default 60000)
  --skip NAME[,NAME]      skip checks: readyz, auth, judge, load, ratelimit
  -h, --help`;

async function main() {
  function fail(msg) {
    console.error(`${msg}\n${USAGE}`);
    process.exit(2);
  }

  let args;
  try {
    args = parseArgs({
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        'language-id': { type: 'string', default: '71' },
        concurrency: { type: 'string', default: '20' },
        'healthz-max-ms': { type: 'string', default: '500' },
        'rate-limit-max': { type: 'string', default: '300' },
        'timeout-ms': { type: 'string', default: '60000' },
        skip: { type: 'string', default: '' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    fail(e.message);
  }
  if (args.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const intArg = (name) => {
    const n = Number(args[name]);
    if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer`);
    return n;
  };
  const baseUrl = (args.url ?? process.env.CODE_EXEC_URL ?? 'http://127.0.0.1:4001').replace(/\/+$/, '');
  const key = args.key ?? process.env.CODE_EXEC_KEY ?? '';
  const languageId = intArg('language-id');
  const concurrency = intArg('concurrency');
  const healthzMaxMs = intArg('healthz-max-ms');
  const rateLimitMax = intArg('rate-limit-max');
  const timeoutMs = intArg('timeout-ms');
  const skip = new Set(args.skip.split(',').map((s) => s.trim()).filter(Boolean));
  try {
    new URL(baseUrl);
  } catch {
    fail(`not a URL: ${baseUrl}`);
  }

  const runId = randomUUID().slice(0, 8);
  const HELLO = 'print("Hello, World!")';
  const GREETING = 'Hello, World!\n';

  const call = (path, { body, ...opts } = {}) =>
    fetchText(baseUrl + path, { ...opts, timeoutMs, body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body) });

  const judgeHeaders = (subject) => ({
    'Content-Type': 'application/json',
    'X-Code-Exec-Key': key,
    'X-Code-Exec-Subject': subject,
    'X-Request-Id': `smoke-${runId}-${randomUUID().slice(0, 8)}`,
  });
  // The "Hello, World!" program through POST /v1/judge against `testCases`.
  const judgeHello = (testCases) =>
    call('/v1/judge', {
      method: 'POST',
      headers: judgeHeaders(`smoke-${runId}-judge`),
      body: { languageId, sourceCode: HELLO, testCases },
    });
  const short = (s) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);
  const why = (r) => `HTTP ${r.status} ${short(r.text)}`;

  class CheckFailure extends Error {}
  const expect = (cond, msg) => {
    if (!cond) throw new CheckFailure(msg);
  };

  const checks = [
    [
      'readyz',
      'readyz: /readyz answers 200 {"ok":true}',
      async () => {
        const r = await call('/readyz');
        expect(r.status === 200 && r.json?.ok === true, why(r));
      },
    ],
    [
      'auth',
      'auth: /v1/judge without a key is 401 Unauthorized',
      async () => {
        const r = await call('/v1/judge', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Code-Exec-Subject': `smoke-${runId}-auth` },
          body: { languageId, sourceCode: HELLO, testCases: [{ stdin: '', expectedStdout: GREETING }] },
        });
        expect(r.status === 401, `expected 401, got ${why(r)}`);
        expect(r.json?.status === 'error' && r.json?.message === 'Unauthorized', `unexpected body ${short(r.text)}`);
      },
    ],
    [
      'judge',
      'judge passed: Python "Hello, World!" passes 2 testcases',
      async () => {
        const r = await judgeHello([
          { stdin: '', expectedStdout: GREETING, name: 'no input' },
          { stdin: 'ignored input\n', expectedStdout: 'Hello, World!', name: 'input ignored' },
        ]);
        expect(r.status === 200, why(r));
        expect(r.json?.status === 'passed', `status ${r.json?.status}: ${short(r.text)}`);
        const s = r.json.summary ?? {};
        expect(s.passedCount === 2 && s.totalCount === 2, `summary ${JSON.stringify(s)}`);
      },
    ],
    [
      'judge',
      'judge failed: a wrong expectation fails at index 1',
      async () => {
        const r = await judgeHello([
          { stdin: '', expectedStdout: GREETING, name: 'right' },
          { stdin: '', expectedStdout: 'Goodbye, World!\n', name: 'wrong' },
        ]);
        expect(r.status === 200, why(r));
        expect(r.json?.status === 'failed', `status ${r.json?.status}: ${short(r.text)}`);
        const f = r.json.firstFailure ?? {};
        expect(f.index === 1, `firstFailure.index ${f.index}, expected 1`);
        expect(r.json.summary?.passedCount === 1, `passedCount ${r.json.summary?.passedCount}, expected 1`);
        expect(f.actualStdout?.replace(/\s+$/, '') === 'Hello, World!', `actualStdout ${JSON.stringify(f.actualStdout)}`);
      },
    ],
    [
      'load',
      `load: ${concurrency} concurrent judge requests pass while /healthz stays under ${healthzMaxMs} ms`,
      async () => {
        let done = false;
        const latencies = [];
        const healthErrors = [];
        const prober = (async () => {
          while (!done) {
            try {
              const h = await call('/healthz');
              latencies.push(h.ms);
              if (h.status !== 200) healthErrors.push(why(h));
            } catch (e) {
              healthErrors.push(String(e));
            }
            await new Promise((r) => setTimeout(r, 50));
          }
        })();
        const started = performance.now();
        let results;
        try {
          results = await Promise.allSettled(
            Array.from({ length: concurrency }, (_, i) =>
              call('/v1/judge', {
                method: 'POST',
                // One subject per request: the load must not trip the rate limit.
                headers: judgeHeaders(`smoke-${runId}-load-${i}`),
                body: { languageId, sourceCode: HELLO, testCases: [{ stdin: `${i}\n`, expectedStdout: GREETING }] },
              }),
            ),
          );
        } finally {
          done = true;
          await prober;
        }
        const elapsed = Math.round(performance.now() - started);
        const bad = results
          .map((x, i) => (x.status === 'rejected' ? `#${i}: ${x.reason}` : x.value.status !== 200 || x.value.json?.status !== 'passed' ? `#${i}: ${why(x.value)}` : null))
          .filter(Boolean);
        expect(bad.length === 0, `${bad.length}/${concurrency} did not pass: ${bad.slice(0, 3).join('; ')}`);
        expect(healthErrors.length === 0, `/healthz failed: ${healthErrors.slice(0, 3).join('; ')}`);
        expect(latencies.length > 0, 'no /healthz probe completed');
        const max = Math.max(...latencies);
        expect(max < healthzMaxMs, `slowest /healthz ${Math.round(max)} ms (of ${latencies.length} probes)`);
        return `${concurrency} passed in ${elapsed} ms; ${latencies.length} /healthz probes, slowest ${Math.round(max)} ms`;
      },
    ],
    [
      'ratelimit',
      `ratelimit: a burst on one subject gets 429 with Retry-After within ${rateLimitMax} requests`,
      async () => {
        const headers = judgeHeaders(`smoke-${runId}-ratelimit`);
        let sent = 0;
        let limited;
        const others = new Map();
        while (!limited && sent < rateLimitMax) {
          const n = Math.min(25, rateLimitMax - sent);
          sent += n;
          // An empty body is refused with 400 after the rate limit: no code runs.
          const batch = await Promise.all(Array.from({ length: n }, () => call('/v1/judge', { method: 'POST', headers, body: {} })));
          for (const r of batch) {
            if (r.status === 429) limited ??= r;
            else others.set(r.status, (others.get(r.status) ?? 0) + 1);
          }
        }
        expect(limited, `no 429 after ${sent} requests (answers: ${JSON.stringify(Object.fromEntries(others))})`);
        const unexpected = [...others.keys()].filter((s) => s !== 400);
        expect(unexpected.length === 0, `unexpected statuses before the 429: ${JSON.stringify(Object.fromEntries(others))}`);
        const ra = limited.headers.get('retry-after');
        expect(ra !== null && /^\d+$/.test(ra), `429 without a Retry-After in seconds (${ra})`);
        expect(limited.headers.get('ratelimit') !== null && limited.headers.get('ratelimit-policy') !== null, '429 without RateLimit/RateLimit-Policy headers');
        expect(limited.json?.status === 'error', `429 body ${short(limited.text)}`);
        return `429 after ${sent} requests or fewer; Retry-After ${ra}; ${limited.headers.get('ratelimit-policy')}`;
      },
    ],
  ];

  let passed = 0;
  let failed = 0;
  if (!key) console.log('note: no key given (--key or CODE_EXEC_KEY): the judge checks will fail unless auth is disabled');
  for (const [group, name, fn] of checks) {
    if (skip.has(group)) continue;
    try {
      const note = await fn();
      passed++;
      console.log(`PASS ${name}${note ? ` (${note})` : ''}`);
    } catch (e) {
      failed++;
      const reason = e instanceof CheckFailure ? e.message : e?.cause ? `${e.message}: ${e.cause.message ?? e.cause}` : String(e?.message ?? e);
      console.log(`FAIL ${name}: ${reason}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
