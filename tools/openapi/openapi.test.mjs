// Runs the real code-exec binary against convex-dev (behind a recording proxy) and the Judge0 stand-in
// on loopback, and checks every answer, and every Convex callback, against openapi.yaml.
//   node --test tools/openapi/        (after tools/openapi/check installed the pinned tools)
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import {
  cleanupList,
  request,
  sleep,
  startCodeExec,
  startConvexDev,
  startJudge0Fake,
} from './stack.mjs';
import {
  compileAllSchemas,
  loadSpec,
  validateRequestBody,
  validateResponse,
  validateWebhook,
} from './validator.mjs';

const spec = loadSpec();
const KEY = 'k';
const CALLBACK_SECRET = 'openapi-test-secret';
let subjectSeq = 0;
// A fresh rate-limit bucket per call, so tests do not run into each other's 429s.
const subject = () => `openapi-${process.pid}-${++subjectSeq}`;
const uid = (p) => `${p}-${crypto.randomUUID()}`;

const jsonHeaders = (extra = {}) => ({
  'Content-Type': 'application/json',
  'X-Code-Exec-Key': KEY,
  'X-Code-Exec-Subject': subject(),
  ...extra,
});

function conforms(method, path, res) {
  const errors = validateResponse(spec, { method, path, res });
  assert.deepEqual(errors, [], `answer does not match openapi.yaml:\n${errors.join('\n')}\nbody: ${res.text}`);
}

async function call(base, method, path, { headers, body } = {}) {
  const res = await request(base + path, { method, headers, body: typeof body === 'object' ? JSON.stringify(body) : body });
  return res;
}

// Forwards everything to convex-dev and records each exchange (raw request headers and body,
// status and body of the answer) so the callbacks can be checked against `webhooks`.
async function startRecordingProxy(targetUrl) {
  const exchanges = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
    try {
      const up = await fetch(targetUrl + req.url, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
      const text = await up.text();
      exchanges.push({ method: req.method, path: req.url, headers: req.headers, body: body.toString('utf8'), res: { status: up.status, headers: up.headers, text } });
      const out = {};
      up.headers.forEach((v, k) => {
        if (!['content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(k)) out[k] = v;
      });
      res.writeHead(up.status, out);
      res.end(text);
    } catch (e) {
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: String(e) }));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    exchanges,
    stop: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const WEBHOOK_OF = {
  '/coding/submission-running': 'markRunning',
  '/coding/personalized-submission-running': 'markRunning',
  '/coding/testcases': 'fetchTestcases',
  '/coding/personalized-testcases': 'fetchTestcases',
  '/coding/submission-result': 'submissionResult',
  '/coding/personalized-submission-result': 'submissionResult',
};

function checkCallbacks(exchanges, { secret }) {
  const errors = [];
  for (const ex of exchanges) {
    const name = WEBHOOK_OF[ex.path];
    if (!name) continue;
    let body;
    try {
      body = JSON.parse(ex.body);
    } catch {
      errors.push(`${ex.path}: request body is not JSON`);
      continue;
    }
    if (!/^application\/json\b/.test(ex.headers['content-type'] || '')) errors.push(`${ex.path}: content-type ${ex.headers['content-type']}`);
    errors.push(...validateWebhook(spec, name, { headers: ex.headers, body, res: ex.res }));
    if (secret) {
      const ts = ex.headers['x-code-exec-timestamp'];
      const want = 'v1=' + crypto.createHmac('sha256', secret).update(`${ts}.`).update(Buffer.from(ex.body, 'utf8')).digest('hex');
      if (ex.headers['x-code-exec-signature'] !== want) errors.push(`${ex.path}: signature ${ex.headers['x-code-exec-signature']} != ${want}`);
      if (Math.abs(Number(ts) - Date.now() / 1000) > 60) errors.push(`${ex.path}: timestamp ${ts} is not now`);
    }
    if (name === 'submissionResult' && ex.headers['idempotency-key'] !== body.submissionId) {
      errors.push(`${ex.path}: Idempotency-Key ${ex.headers['idempotency-key']} != submissionId ${body.submissionId}`);
    }
  }
  return errors;
}

test('every schema in components/schemas compiles (JSON Schema 2020-12, Ajv strict)', () => {
  assert.deepEqual(compileAllSchemas(spec), []);
});

test('the request schemas accept the contract examples and refuse what the service refuses', () => {
  const ok = { questionId: 'q', submissionId: 's', languageId: 71, sourceCode: 'x' };
  assert.deepEqual(validateRequestBody(spec, { method: 'post', path: '/v1/judge-question', body: ok }), []);
  assert.deepEqual(validateRequestBody(spec, { method: 'post', path: '/v1/judge-question', body: { ...ok, languageId: 71.0, submissionKind: 'personalized' } }), []);
  for (const bad of [
    { ...ok, extra: 1 },
    { ...ok, languageId: 1.5 },
    { ...ok, languageId: 0 },
    { ...ok, questionId: '' },
    { ...ok, submissionKind: 'other' },
    { questionId: 'q', submissionId: 's', languageId: 71 },
  ]) {
    assert.notDeepEqual(validateRequestBody(spec, { method: 'post', path: '/v1/judge-question', body: bad }), [], JSON.stringify(bad));
  }
  const inline = { languageId: 71, sourceCode: 'x', testCases: [{ stdin: '', expectedStdout: '', name: 'n' }], limits: { cpuTimeSeconds: 1 }, outputComparison: { trimOutputs: false } };
  assert.deepEqual(validateRequestBody(spec, { method: 'post', path: '/v1/judge', body: inline }), []);
  for (const bad of [{ ...inline, testCases: [] }, { ...inline, limits: { cpuTimeSeconds: 0 } }, { ...inline, outputComparison: { x: true } }, { ...inline, testCases: [{ stdin: '' }] }]) {
    assert.notDeepEqual(validateRequestBody(spec, { method: 'post', path: '/v1/judge', body: bad }), [], JSON.stringify(bad));
  }
});

describe('a running service (signed callbacks, small caps)', () => {
  const stack = cleanupList();
  let svc, convex, proxy, judge0;
  before(async () => {
    judge0 = stack.add(await startJudge0Fake());
    convex = stack.add(await startConvexDev({ secret: CALLBACK_SECRET }));
    proxy = stack.add(await startRecordingProxy(convex.url));
    svc = stack.add(
      await startCodeExec({
        convexUrl: proxy.url,
        judge0Url: judge0.url,
        env: { CONVEX_CALLBACK_SECRET: CALLBACK_SECRET, MAX_BODY_BYTES: '65536', MAX_SOURCE_BYTES: '1000', MAX_TESTCASES: '5', RATE_LIMIT_BURST: '5' },
      }),
    );
  });
  after(() => stack.run());

  test('GET /healthz, /readyz, /metrics', async () => {
    const h = await call(svc.url, 'GET', '/healthz');
    assert.equal(h.status, 200);
    conforms('GET', '/healthz', h);
    const r = await call(svc.url, 'GET', '/readyz');
    assert.equal(r.status, 200, r.text);
    conforms('GET', '/readyz', r);
    const m = await call(svc.url, 'GET', '/metrics');
    assert.equal(m.status, 200);
    conforms('GET', '/metrics', m);
    assert.match(m.text, /code_exec_active_submissions/);
  });

  test('HEAD answers like GET, without a body', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const r = await call(svc.url, 'HEAD', path);
      assert.equal(r.status, 200, path);
      assert.equal(r.text, '', path);
      assert.ok(Number(r.headers.get('content-length')) > 0, path);
      conforms('HEAD', path, r);
    }
  });

  test('404 unknown route and 405 wrong method with Allow', async () => {
    const nf = await call(svc.url, 'GET', '/v2/nothing');
    assert.equal(nf.status, 404);
    conforms('GET', '/v2/nothing', nf);
    for (const [method, path, allow] of [['POST', '/healthz', 'GET'], ['GET', '/v1/judge', 'POST'], ['DELETE', '/v1/judge-question', 'POST']]) {
      const r = await call(svc.url, method, path);
      assert.equal(r.status, 405, `${method} ${path}`);
      conforms('PATCH', path, r); // no such operation: validated against x-unmatched-responses
      assert.match(r.headers.get('allow'), new RegExp(allow));
    }
  });

  test('401 without a key or with a wrong one', async () => {
    for (const path of ['/v1/judge-question', '/v1/judge']) {
      for (const key of [undefined, 'wrong']) {
        const headers = { 'Content-Type': 'application/json' };
        if (key) headers['X-Code-Exec-Key'] = key;
        const r = await call(svc.url, 'POST', path, { headers, body: {} });
        assert.equal(r.status, 401);
        conforms('POST', path, r);
        assert.deepEqual(r.json, { status: 'error', message: 'Unauthorized' });
      }
    }
  });

  test('415 for a non-JSON content type', async () => {
    for (const path of ['/v1/judge-question', '/v1/judge']) {
      const r = await call(svc.url, 'POST', path, { headers: jsonHeaders({ 'Content-Type': 'text/plain' }), body: '{}' });
      assert.equal(r.status, 415);
      conforms('POST', path, r);
    }
  });

  test('413 for a body above MAX_BODY_BYTES', async () => {
    const big = JSON.stringify({ languageId: 71, sourceCode: 'x'.repeat(70000), testCases: [{ stdin: '', expectedStdout: '' }] });
    for (const path of ['/v1/judge-question', '/v1/judge']) {
      const r = await call(svc.url, 'POST', path, { headers: jsonHeaders(), body: big });
      assert.equal(r.status, 413);
      conforms('POST', path, r);
    }
  });

  test('400: malformed JSON, schema issues, caps', async () => {
    const cases = [
      ['/v1/judge-question', '{bad', 'Malformed JSON body'],
      ['/v1/judge-question', { submissionId: 'sub-x', x: 1, languageId: 1.5 }, 'Invalid request body'],
      ['/v1/judge-question', { submissionId: 7 }, 'Invalid request body'],
      ['/v1/judge-question', { questionId: 'q', submissionId: 'sub-y', languageId: 71, sourceCode: 'x'.repeat(1001) }, 'sourceCode exceeds MAX_SOURCE_BYTES'],
      ['/v1/judge', '[1', 'Malformed JSON body'],
      ['/v1/judge', [], 'Invalid request body'],
      ['/v1/judge', { languageId: 71, sourceCode: '', testCases: Array.from({ length: 6 }, () => ({ stdin: '', expectedStdout: '' })) }, 'Invalid request body'],
      ['/v1/judge', { languageId: 71, sourceCode: 'x'.repeat(1001), testCases: [{ stdin: '', expectedStdout: '' }] }, 'sourceCode exceeds MAX_SOURCE_BYTES'],
    ];
    for (const [path, body, message] of cases) {
      const r = await call(svc.url, 'POST', path, { headers: jsonHeaders(), body });
      assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}: ${r.text}`);
      conforms('POST', path, r);
      assert.equal(r.json.message, message);
    }
    const echoed = await call(svc.url, 'POST', '/v1/judge-question', { headers: jsonHeaders(), body: { submissionId: 'sub-x', x: 1 } });
    assert.equal(echoed.json.submissionId, 'sub-x');
    assert.ok(echoed.json.details.issues.some((i) => i.path === '' && /'x'/.test(i.message)), echoed.text);
  });

  test('429 with Retry-After and RateLimit headers once the burst is spent', async () => {
    const headers = jsonHeaders();
    let seen;
    for (let i = 0; i < 30 && !seen; i++) {
      const r = await call(svc.url, 'POST', '/v1/judge', { headers, body: {} });
      if (r.status === 429) seen = r;
      else assert.equal(r.status, 400);
    }
    assert.ok(seen, 'no 429 within 30 requests (RATE_LIMIT_BURST=5)');
    conforms('POST', '/v1/judge', seen);
    const q = await call(svc.url, 'POST', '/v1/judge-question', { headers, body: {} });
    assert.equal(q.status, 429);
    conforms('POST', '/v1/judge-question', q);
  });

  test('202 and signed callbacks matching webhooks (standard and personalized)', async () => {
    const runs = [
      { kind: undefined, questionId: 'q_hello', source: 'print("Hello, World!")', expect: 'passed' },
      { kind: 'personalized', questionId: 'q_hello', source: 'print("Hello, World!")', expect: 'passed' },
      { kind: 'standard', questionId: 'q_sum', source: 'print("3")', expect: 'failed' },
      { kind: undefined, questionId: 'q_missing', source: 'print("x")', expect: 'error' },
    ];
    for (const run of runs) {
      const submissionId = uid('oa');
      const body = { questionId: run.questionId, submissionId, languageId: 71, sourceCode: run.source };
      if (run.kind) body.submissionKind = run.kind;
      const before = proxy.exchanges.length;
      const r = await call(svc.url, 'POST', '/v1/judge-question', { headers: jsonHeaders({ 'X-Request-Id': 'req.openapi:1' }), body });
      assert.equal(r.status, 202, r.text);
      conforms('POST', '/v1/judge-question', r);
      assert.equal(r.headers.get('x-request-id'), 'req.openapi:1');
      assert.equal(r.json.details.requestId, 'req.openapi:1');
      const rec = await convex.waitResult(submissionId);
      assert.equal(rec.status, run.expect, JSON.stringify(rec));
      assert.deepEqual(rec.contractIssues, []);
      const mine = proxy.exchanges.slice(before).filter((e) => e.path.startsWith('/coding/'));
      const prefix = run.kind === 'personalized' ? '/coding/personalized-' : '/coding/';
      assert.ok(mine.length >= 3 || run.expect === 'error', mine.map((e) => e.path).join(','));
      for (const e of mine) assert.ok(e.path.startsWith(prefix), `${e.path} for kind ${run.kind}`);
      assert.deepEqual(checkCallbacks(mine, { secret: CALLBACK_SECRET }), []);
    }
  });

  test('202 duplicate while the same submissionId is in flight', async () => {
    judge0.set({ hold: true });
    try {
      const submissionId = uid('dup');
      const body = { questionId: 'q_hello', submissionId, languageId: 71, sourceCode: 'print("Hello, World!")' };
      const a = await call(svc.url, 'POST', '/v1/judge-question', { headers: jsonHeaders(), body });
      assert.equal(a.status, 202, a.text);
      const b = await call(svc.url, 'POST', '/v1/judge-question', { headers: jsonHeaders(), body });
      assert.equal(b.status, 202, b.text);
      conforms('POST', '/v1/judge-question', b);
      assert.equal(b.json.details.duplicate, true);
      judge0.set({ hold: false });
      assert.equal((await convex.waitResult(submissionId)).status, 'passed');
    } finally {
      judge0.set({ hold: false });
    }
  });

  test('/v1/judge 200 passed and failed', async () => {
    const passed = await call(svc.url, 'POST', '/v1/judge', {
      headers: jsonHeaders(),
      body: { languageId: 71, sourceCode: 'echo', testCases: [{ stdin: 'a\n', expectedStdout: 'a' }, { stdin: 'b', expectedStdout: 'b\n', name: 'b' }] },
    });
    assert.equal(passed.status, 200, passed.text);
    conforms('POST', '/v1/judge', passed);
    assert.equal(passed.json.status, 'passed');
    assert.deepEqual([passed.json.summary.passedCount, passed.json.summary.totalCount], [2, 2]);
    const failed = await call(svc.url, 'POST', '/v1/judge', {
      headers: jsonHeaders(),
      body: { languageId: 71, sourceCode: 'echo', testCases: [{ stdin: 'a', expectedStdout: 'a' }, { stdin: 'b', expectedStdout: 'c', name: 'second' }] },
    });
    assert.equal(failed.status, 200, failed.text);
    conforms('POST', '/v1/judge', failed);
    assert.equal(failed.json.status, 'failed');
    assert.equal(failed.json.firstFailure.index, 1);
    assert.equal(failed.json.firstFailure.testCase.name, 'second');
  });

  test('/v1/judge 502 when Judge0 reports an internal error (13)', async () => {
    judge0.addFault({ on: 'verdict', statusId: 13, always: true });
    try {
      const r = await call(svc.url, 'POST', '/v1/judge', {
        headers: jsonHeaders(),
        body: { languageId: 71, sourceCode: 'echo', testCases: [{ stdin: 'a', expectedStdout: 'a' }] },
      });
      assert.equal(r.status, 502, r.text);
      conforms('POST', '/v1/judge', r);
      assert.equal(r.json.details.testcaseIndex, 0);
    } finally {
      judge0.clearFaults();
    }
  });

  test('502 when Convex does not mark the submission running', async () => {
    await convex.fault({ route: '/coding/submission-running', status: 500 });
    const submissionId = uid('mr');
    const r = await call(svc.url, 'POST', '/v1/judge-question', {
      headers: jsonHeaders(),
      body: { questionId: 'q_hello', submissionId, languageId: 71, sourceCode: 'print("Hello, World!")' },
    });
    assert.equal(r.status, 502, r.text);
    conforms('POST', '/v1/judge-question', r);
    assert.equal(r.json.message, 'Failed to mark submission as running');
  });
});

describe('breaker open (BREAKER_FAILURE_THRESHOLD=1)', () => {
  const stack = cleanupList();
  let svc, convex, judge0;
  before(async () => {
    judge0 = stack.add(await startJudge0Fake());
    judge0.addFault({ on: 'create', status: 500, always: true });
    convex = stack.add(await startConvexDev());
    svc = stack.add(await startCodeExec({ convexUrl: convex.url, judge0Url: judge0.url, env: { BREAKER_FAILURE_THRESHOLD: '1', BREAKER_OPEN_MS: '60000' } }));
  });
  after(() => stack.run());

  test('a Judge0 500 gives 502, then both routes answer 502 "Judge0 unavailable" before any Convex call', async () => {
    const body = { languageId: 71, sourceCode: 'echo', testCases: [{ stdin: 'a', expectedStdout: 'a' }] };
    const first = await call(svc.url, 'POST', '/v1/judge', { headers: jsonHeaders(), body });
    assert.equal(first.status, 502, first.text);
    conforms('POST', '/v1/judge', first);
    const open = await call(svc.url, 'POST', '/v1/judge', { headers: jsonHeaders(), body });
    assert.equal(open.status, 502);
    conforms('POST', '/v1/judge', open);
    assert.deepEqual(open.json, { status: 'error', message: 'Judge0 unavailable' });
    const submissionId = uid('br');
    const q = await call(svc.url, 'POST', '/v1/judge-question', {
      headers: jsonHeaders(),
      body: { questionId: 'q_hello', submissionId, languageId: 71, sourceCode: 'print("Hello, World!")' },
    });
    assert.equal(q.status, 502);
    conforms('POST', '/v1/judge-question', q);
    assert.deepEqual(q.json, { status: 'error', message: 'Judge0 unavailable' });
    const rec = await request(`${convex.url}/submissions/${submissionId}`);
    assert.equal(rec.status, 404, 'Convex must not have been called');
  });
});

describe('admission full, then draining (MAX_ACTIVE_SUBMISSIONS=1, MAX_QUEUED_SUBMISSIONS=0)', () => {
  const stack = cleanupList();
  let svc, convex, judge0;
  before(async () => {
    judge0 = stack.add(await startJudge0Fake());
    judge0.set({ hold: true });
    convex = stack.add(await startConvexDev());
    svc = stack.add(
      await startCodeExec({
        convexUrl: convex.url,
        judge0Url: judge0.url,
        env: { MAX_ACTIVE_SUBMISSIONS: '1', MAX_QUEUED_SUBMISSIONS: '0', SHUTDOWN_DELAY_MS: '0', SHUTDOWN_GRACE_MS: '1500' },
      }),
    );
  });
  after(() => stack.run());

  test('503 admission, 503 readyz draining, 503 shutting down, error result for the pending one, exit 0', async () => {
    const held = uid('held');
    const a = await call(svc.url, 'POST', '/v1/judge-question', {
      headers: jsonHeaders(),
      body: { questionId: 'q_hello', submissionId: held, languageId: 71, sourceCode: 'print("Hello, World!")' },
    });
    assert.equal(a.status, 202, a.text);
    for (let i = 0; i < 100 && judge0.stats.polls === 0; i++) await sleep(20);
    const b = await call(svc.url, 'POST', '/v1/judge-question', {
      headers: jsonHeaders(),
      body: { questionId: 'q_hello', submissionId: uid('second'), languageId: 71, sourceCode: 'print("Hello, World!")' },
    });
    assert.equal(b.status, 503, b.text);
    conforms('POST', '/v1/judge-question', b);
    assert.equal(b.json.message, 'Too many submissions in progress');

    svc.proc.kill('SIGTERM');
    await sleep(200);
    const ready = await call(svc.url, 'GET', '/readyz');
    assert.equal(ready.status, 503);
    conforms('GET', '/readyz', ready);
    assert.deepEqual(ready.json, { ok: false, draining: true });
    for (const path of ['/v1/judge-question', '/v1/judge']) {
      const body = path === '/v1/judge'
        ? { languageId: 71, sourceCode: 'echo', testCases: [{ stdin: 'a', expectedStdout: 'a' }] }
        : { questionId: 'q_hello', submissionId: uid('late'), languageId: 71, sourceCode: 'print(1)' };
      const r = await call(svc.url, 'POST', path, { headers: jsonHeaders(), body });
      assert.equal(r.status, 503, `${path}: ${r.text}`);
      conforms('POST', path, r);
      assert.equal(r.json.message, 'Service is shutting down');
    }
    const rec = await convex.waitResult(held, 10000);
    assert.equal(rec.status, 'error');
    assert.match(rec.result.firstFailure.errorMessage, /shutting down/i);
    assert.deepEqual(validateRequestBody(spec, { method: 'post', webhook: 'submissionResult', body: rec.result }), []);
    const { code } = await svc.exited;
    assert.equal(code, 0);
  });
});
