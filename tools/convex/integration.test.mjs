// The kit against the real code-exec binary on loopback:
//  - Convex → code-exec: judgeQuestion, signed with CODE_EXEC_SIGNING_SECRETS, against convex-dev;
//    wrong and missing signatures; 429 retried after Retry-After; per-user rate-limit subjects.
//  - code-exec → Convex: a "Convex" made of codeExecCallback HTTP actions receives code-exec's
//    signed callbacks (CONVEX_CALLBACK_SECRET), drops a replayed result by Idempotency-Key, makes
//    code-exec retry a result whose handler failed, and refuses a wrong secret (→ 502 to the caller).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import {
  cleanupList,
  problemsFile,
  request,
  startCodeExec,
  startConvexDev,
  startJudge0Fake,
} from '../openapi/stack.mjs';
import { client, vectors, verify } from './kit.mjs';

const KEY = 'k';
const uid = (p) => `${p}-${crypto.randomUUID()}`;
const hello = (submissionId, extra = {}) => ({ questionId: 'q_hello', submissionId, languageId: 71, sourceCode: 'print("Hello, World!")', ...extra });

describe('Convex action → code-exec (CODE_EXEC_SIGNING_SECRETS set)', () => {
  // Two inbound secrets, as during a rotation; the vectors' secrets so the shared file is used.
  const secretA = vectors[0].secret;
  const secretB = vectors.find((v) => v.secret !== secretA).secret;
  const stack = cleanupList();
  let svc, convex;
  const opts = (extra = {}) => ({ baseUrl: svc.url, apiKey: KEY, signingSecret: secretA, baseDelayMs: 50, ...extra });
  before(async () => {
    const judge0 = stack.add(await startJudge0Fake());
    convex = stack.add(await startConvexDev());
    svc = stack.add(
      await startCodeExec({
        convexUrl: convex.url,
        judge0Url: judge0.url,
        env: { CODE_EXEC_SIGNING_SECRETS: `${secretA},${secretB}`, RATE_LIMIT_BURST: '1', RATE_LIMIT_PER_MINUTE: '60' },
      }),
    );
  });
  after(() => stack.run());

  test('a signed submission is queued (with either rotated secret) and judged', async () => {
    for (const secret of [secretA, secretB]) {
      const submissionId = uid('signed');
      const out = await client.judgeQuestion(opts({ signingSecret: secret }), { ...hello(submissionId), userId: uid('user'), requestId: `rq-${submissionId}` });
      assert.equal(out.kind, 'queued', JSON.stringify(out));
      assert.equal(out.submissionId, submissionId);
      assert.equal(out.requestId, `rq-${submissionId}`, 'X-Request-Id echoed into details.requestId');
      assert.equal(out.attempts, 1);
      const rec = await convex.waitResult(submissionId);
      assert.equal(rec.status, 'passed');
      assert.deepEqual(rec.contractIssues, []);
    }
  });

  test('personalized submissions use the personalized callbacks', async () => {
    const submissionId = uid('pers');
    const out = await client.judgeQuestion(opts(), { ...hello(submissionId, { submissionKind: 'personalized' }), userId: uid('user') });
    assert.equal(out.kind, 'queued', JSON.stringify(out));
    const rec = await convex.waitResult(submissionId);
    assert.equal(rec.kind, 'personalized');
    assert.equal(rec.status, 'passed');
  });

  test('a wrong secret or no signature is a 401 error, not retried', async () => {
    for (const signingSecret of ['not-the-secret', undefined]) {
      const out = await client.judgeQuestion(opts({ signingSecret }), { ...hello(uid('bad')), userId: uid('user') });
      assert.equal(out.kind, 'error');
      assert.equal(out.status, 401);
      assert.equal(out.message, 'Unauthorized');
      assert.equal(out.retryable, false);
      assert.equal(out.attempts, 1);
    }
    const wrongKey = await client.judgeQuestion(opts({ apiKey: 'nope' }), { ...hello(uid('bad')), userId: uid('user') });
    assert.equal(wrongKey.status, 401);
  });

  test('the service enforces the ±300 s signature window on the kit\'s timestamps', async () => {
    const at = (skewMs) => client.judgeQuestion(opts({ now: () => Date.now() + skewMs }), { ...hello(uid('skew')), userId: uid('user') });
    for (const skew of [-310_000, 310_000]) {
      const out = await at(skew);
      assert.equal(out.status, 401, `skew ${skew}: ${JSON.stringify(out)}`);
    }
    for (const skew of [-280_000, 280_000]) {
      const out = await at(skew);
      assert.equal(out.kind, 'queued', `skew ${skew}: ${JSON.stringify(out)}`);
    }
  });

  test('a 400 is final', async () => {
    const out = await client.judgeQuestion(opts(), { ...hello(uid('inv')), languageId: 1.5, userId: uid('user') });
    assert.equal(out.kind, 'error');
    assert.equal(out.status, 400);
    assert.equal(out.retryable, false);
    assert.equal(out.attempts, 1);
    assert.equal(out.body.details.issues[0].path, 'languageId');
  });

  test('429 (RATE_LIMIT_BURST=1) is retried after Retry-After; other users are not limited', async () => {
    const user = uid('busy-user');
    const first = await client.judgeQuestion(opts(), { ...hello(uid('rl1')), userId: user });
    assert.equal(first.kind, 'queued', JSON.stringify(first));
    const sleeps = [];
    const started = Date.now();
    const second = await client.judgeQuestion(
      opts({ sleep: (ms) => (sleeps.push(ms), new Promise((r) => setTimeout(r, ms))) }),
      { ...hello(uid('rl2')), userId: user },
    );
    assert.equal(second.kind, 'queued', JSON.stringify(second));
    assert.equal(second.attempts, 2);
    assert.ok(sleeps[0] >= 1000, `slept ${sleeps} (Retry-After in whole seconds)`);
    assert.ok(Date.now() - started >= 1000);
    const other = await client.judgeQuestion(opts(), { ...hello(uid('rl3')), userId: uid('other-user') });
    assert.equal(other.attempts, 1, 'another X-Code-Exec-Subject has its own bucket');
  });

  test('429 until maxAttempts gives a retryable error', async () => {
    const user = uid('spent-user');
    await client.judgeQuestion(opts(), { ...hello(uid('x1')), userId: user });
    const out = await client.judgeQuestion(opts({ maxAttempts: 1 }), { ...hello(uid('x2')), userId: user });
    assert.equal(out.kind, 'error');
    assert.equal(out.status, 429);
    assert.equal(out.retryable, true);
  });
});

// A stand-in Convex deployment whose HTTP actions are built with the kit's codeExecCallback.
async function startKitConvex({ secret }) {
  const data = JSON.parse(fs.readFileSync(problemsFile, 'utf8'));
  const questions = new Map(data.questions.map((q) => [q._id, q]));
  const state = { running: [], results: [], resultHandlerCalls: 0, failNextResults: 0, rejects: [], received: [] };
  const deliveries = new Set(); // the app's table of applied Idempotency-Keys
  const log = { seen: async (key) => deliveries.has(key), record: async (key) => void deliveries.add(key) };
  const common = { secrets: secret, onReject: (reason, req) => state.rejects.push({ reason, path: new URL(req.url).pathname }) };
  const ctx = { deployment: 'kit-test' };
  const running = verify.codeExecCallback({
    ...common,
    handle: (_ctx, body) => void state.running.push(body.submissionId),
  });
  const testcases = verify.codeExecCallback({
    ...common,
    handle: (_ctx, body) => {
      const q = questions.get(body.questionId);
      if (!q) return new Response(JSON.stringify({ error: 'question not found' }), { status: 404, headers: { 'Content-Type': 'application/json' } });
      const { testCases, ...question } = q;
      return { question, testCases: [...testCases].sort((a, b) => a.order - b.order) };
    },
  });
  // The README's saveResult mutation: applyOnce around the write.
  const result = verify.codeExecCallback({
    ...common,
    handle: async (_ctx, body, info) => {
      state.resultHandlerCalls++;
      const applied = await verify.applyOnce(log, info.idempotencyKey ?? '', () => {
        if (state.failNextResults > 0) {
          state.failNextResults--;
          throw new Error('simulated mutation failure');
        }
        state.results.push({ body, idempotencyKey: info.idempotencyKey });
      });
      return applied ? { ok: true } : { ok: true, duplicate: true };
    },
  });
  const routes = {
    '/coding/submission-running': running,
    '/coding/personalized-submission-running': running,
    '/coding/testcases': testcases,
    '/coding/personalized-testcases': testcases,
    '/coding/submission-result': result,
    '/coding/personalized-submission-result': result,
  };
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks);
    const path = new URL(req.url, 'http://x').pathname;
    let response;
    if (req.method === 'GET' && path === '/') {
      response = new Response('{"ok":true}', { headers: { 'Content-Type': 'application/json' } });
    } else if (req.method === 'POST' && routes[path]) {
      state.received.push({ path, headers: { ...req.headers }, body: raw });
      const request = new Request(`http://127.0.0.1${req.url}`, { method: 'POST', headers: req.headers, body: raw });
      response = await routes[path](ctx, request);
    } else {
      response = new Response('{"error":"not found"}', { status: 404, headers: { 'Content-Type': 'application/json' } });
    }
    const out = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, { 'Content-Type': response.headers.get('content-type') ?? 'application/json', 'Content-Length': out.length });
    res.end(out);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    state,
    stop: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
    async waitResults(submissionId, n = 1, timeoutMs = 20000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const mine = state.results.filter((r) => r.body.submissionId === submissionId);
        if (mine.length >= n) return mine;
        if (Date.now() > end) throw new Error(`no result for ${submissionId}: ${JSON.stringify(state)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

describe('code-exec → Convex HTTP actions built with codeExecCallback (CONVEX_CALLBACK_SECRET set)', () => {
  const vector = vectors.find((v) => v.name === 'final result') ?? vectors[0];
  const secret = vector.secret;
  const stack = cleanupList();
  let svc, kitConvex;
  before(async () => {
    const judge0 = stack.add(await startJudge0Fake());
    kitConvex = stack.add(await startKitConvex({ secret }));
    svc = stack.add(await startCodeExec({ convexUrl: kitConvex.url, judge0Url: judge0.url, env: { CONVEX_CALLBACK_SECRET: secret } }));
  });
  after(() => stack.run());

  test('every callback verifies, the result arrives once with its Idempotency-Key', async () => {
    const submissionId = uid('kit');
    const out = await client.judgeQuestion({ baseUrl: svc.url, apiKey: KEY }, { questionId: 'q_sum', submissionId, languageId: 71, sourceCode: 'print("3")' });
    assert.equal(out.kind, 'queued', JSON.stringify(out));
    const [res] = await kitConvex.waitResults(submissionId);
    assert.deepEqual(kitConvex.state.rejects, []);
    assert.ok(kitConvex.state.running.includes(submissionId));
    assert.equal(res.idempotencyKey, submissionId);
    assert.equal(res.body.status, 'failed', 'print("3") passes the first sum testcase only');
    assert.equal(res.body.firstFailureIndex, 1);
    assert.equal(res.body.passedCount, 1);
  });

  test('a replayed result delivery is dropped as a duplicate', async () => {
    const submissionId = uid('replay');
    await client.judgeQuestion({ baseUrl: svc.url, apiKey: KEY }, hello(submissionId));
    await kitConvex.waitResults(submissionId);
    const delivery = kitConvex.state.received.find((r) => r.path === '/coding/submission-result' && r.headers['idempotency-key'] === submissionId);
    const headers = {};
    for (const h of ['content-type', 'x-code-exec-timestamp', 'x-code-exec-signature', 'idempotency-key']) headers[h] = delivery.headers[h];
    headers['x-test-replay'] = '1';
    const replay = await request(`${kitConvex.url}/coding/submission-result`, { method: 'POST', headers, body: delivery.body });
    assert.equal(replay.status, 200);
    assert.deepEqual(replay.json, { ok: true, duplicate: true });
    assert.equal(kitConvex.state.results.filter((r) => r.body.submissionId === submissionId).length, 1);
    const tampered = await request(`${kitConvex.url}/coding/submission-result`, { method: 'POST', headers, body: Buffer.concat([delivery.body, Buffer.from(' ')]) });
    assert.equal(tampered.status, 401);
  });

  test('a result whose handler failed (500) is retried by code-exec and applied once', async () => {
    const submissionId = uid('retry');
    kitConvex.state.failNextResults = 1;
    const callsBefore = kitConvex.state.resultHandlerCalls;
    await client.judgeQuestion({ baseUrl: svc.url, apiKey: KEY }, hello(submissionId));
    const results = await kitConvex.waitResults(submissionId);
    assert.equal(results.length, 1);
    assert.equal(results[0].body.status, 'passed');
    assert.equal(kitConvex.state.resultHandlerCalls - callsBefore, 2, 'first delivery failed, the retry was applied');
  });

  test('the service signs exactly like the shared vectors', async () => {
    // Every received callback's signature is recomputed with the kit over the raw bytes.
    assert.ok(kitConvex.state.received.length >= 3);
    for (const r of kitConvex.state.received.filter((x) => !x.headers['x-test-replay'])) {
      const want = await client.signPayload(secret, r.headers['x-code-exec-timestamp'], new Uint8Array(r.body));
      assert.equal(r.headers['x-code-exec-signature'], want, r.path);
    }
    assert.equal(await client.signPayload(vector.secret, vector.timestamp, vector.body), vector.signature);
  });
});

describe('a Convex deployment with the wrong callback secret', () => {
  const stack = cleanupList();
  let svc, kitConvex;
  before(async () => {
    const judge0 = stack.add(await startJudge0Fake());
    kitConvex = stack.add(await startKitConvex({ secret: 'convex-side-secret' }));
    svc = stack.add(await startCodeExec({ convexUrl: kitConvex.url, judge0Url: judge0.url, env: { CONVEX_CALLBACK_SECRET: 'service-side-secret' } }));
  });
  after(() => stack.run());

  test('mark running is refused (401), the caller gets 502 after its retries, nothing runs', async () => {
    const submissionId = uid('mismatch');
    const out = await client.judgeQuestion({ baseUrl: svc.url, apiKey: KEY, maxAttempts: 2, baseDelayMs: 10 }, hello(submissionId));
    assert.equal(out.kind, 'error');
    assert.equal(out.status, 502);
    assert.equal(out.message, 'Failed to mark submission as running');
    assert.equal(out.attempts, 2);
    assert.deepEqual(kitConvex.state.rejects.map((r) => r.reason), ['signature_mismatch', 'signature_mismatch']);
    assert.deepEqual(kitConvex.state.running, []);
  });
});
