// codeExecClient.judgeQuestion with an injected fetch: status mapping, retries, Retry-After,
// headers and signing. The real service is exercised in integration.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { client, verify } from './kit.mjs';

const input = { questionId: 'q_hello', submissionId: 'sub-1', languageId: 71, sourceCode: 'print(1)', userId: 'user_7' };

// A fetch that answers from a script of [status, body, headers] and records each call.
function scripted(...answers) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init, headers: new Headers(init.headers), body: init.body });
    const a = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (a instanceof Error) throw a;
    const [status, body, headers = {}] = a;
    return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
  };
  return { fetch, calls };
}

function options(extra) {
  const sleeps = [];
  return {
    sleeps,
    opts: { baseUrl: 'http://code-exec.test/', apiKey: 'key-1', sleep: async (ms) => sleeps.push(ms), random: () => 0.5, ...extra },
  };
}

const accepted = (details = { requestId: 'rid' }) => [202, { status: 'accepted', submissionId: 'sub-1', message: 'Submission queued for execution', details }];

test('202 → queued, with the headers and body code-exec expects', async () => {
  const f = scripted(accepted({ requestId: 'my-req.1' }));
  const { opts } = options({ fetch: f.fetch });
  const out = await client.judgeQuestion(opts, { ...input, submissionKind: 'personalized', requestId: 'my-req.1' });
  assert.deepEqual(out, { kind: 'queued', submissionId: 'sub-1', requestId: 'my-req.1', duplicate: false, attempts: 1 });
  assert.equal(f.calls.length, 1);
  const c = f.calls[0];
  assert.equal(c.url, 'http://code-exec.test/v1/judge-question');
  assert.equal(c.init.method, 'POST');
  assert.equal(c.headers.get('content-type'), 'application/json');
  assert.equal(c.headers.get('x-code-exec-key'), 'key-1');
  assert.equal(c.headers.get('x-code-exec-subject'), 'user_7');
  assert.equal(c.headers.get('x-request-id'), 'my-req.1');
  assert.equal(c.headers.get('x-code-exec-signature'), null, 'unsigned without signingSecret');
  assert.deepEqual(JSON.parse(c.body), { questionId: 'q_hello', submissionId: 'sub-1', languageId: 71, sourceCode: 'print(1)', submissionKind: 'personalized' });
});

test('duplicate in flight is still queued, flagged duplicate', async () => {
  const f = scripted(accepted({ requestId: 'r', duplicate: true }));
  const out = await client.judgeQuestion(options({ fetch: f.fetch }).opts, input);
  assert.equal(out.kind, 'queued');
  assert.equal(out.duplicate, true);
});

test('a generated X-Request-Id is valid for code-exec and kept across retries; an invalid one is replaced', async () => {
  const f = scripted([503, { status: 'error', message: 'Service is shutting down' }], accepted());
  const out = await client.judgeQuestion(options({ fetch: f.fetch }).opts, { ...input, requestId: 'has spaces' });
  assert.equal(out.kind, 'queued');
  const ids = f.calls.map((c) => c.headers.get('x-request-id'));
  assert.match(ids[0], /^[A-Za-z0-9._:-]{1,128}$/);
  assert.notEqual(ids[0], 'has spaces');
  assert.equal(ids[0], ids[1]);
});

test('signing: each attempt is signed with a fresh timestamp over the exact body bytes', async () => {
  let nowMs = 1_732_665_600_000;
  const f = scripted([429, { status: 'error', message: 'Too many requests' }, { 'Retry-After': '2' }], accepted());
  const { opts, sleeps } = options({
    fetch: f.fetch,
    signingSecret: 'sign-secret',
    now: () => nowMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
  });
  const out = await client.judgeQuestion(opts, input);
  assert.equal(out.kind, 'queued');
  assert.deepEqual(sleeps, [2000], 'Retry-After honoured');
  const stamps = f.calls.map((c) => c.headers.get('x-code-exec-timestamp'));
  assert.deepEqual(stamps, ['1732665600', '1732665602']);
  for (const c of f.calls) {
    const r = await verify.verifySignature(
      { timestamp: c.headers.get('x-code-exec-timestamp'), signature: c.headers.get('x-code-exec-signature') },
      c.body,
      { secrets: 'sign-secret', nowSeconds: Number(c.headers.get('x-code-exec-timestamp')) },
    );
    assert.equal(r.ok, true);
  }
});

test('signing: a retry within the same second never repeats a signature (the service refuses replays)', async () => {
  const nowMs = 1_732_665_600_000;
  const f = scripted([503, { status: 'error', message: 'busy' }], [503, { status: 'error', message: 'busy' }], accepted());
  const { opts } = options({ fetch: f.fetch, signingSecret: 'sign-secret', now: () => nowMs, sleep: async () => {} });
  const out = await client.judgeQuestion(opts, input);
  assert.equal(out.kind, 'queued');
  const stamps = f.calls.map((c) => c.headers.get('x-code-exec-timestamp'));
  assert.deepEqual(stamps, ['1732665600', '1732665601', '1732665602']);
  assert.equal(new Set(f.calls.map((c) => c.headers.get('x-code-exec-signature'))).size, 3);
});

for (const status of [400, 401, 404, 413, 415, 500]) {
  test(`${status} → error at once, not retried`, async () => {
    const f = scripted([status, { status: 'error', message: `m${status}` }]);
    const { opts, sleeps } = options({ fetch: f.fetch });
    const out = await client.judgeQuestion(opts, input);
    assert.equal(out.kind, 'error');
    assert.equal(out.status, status);
    assert.equal(out.message, `m${status}`);
    assert.equal(out.retryable, false);
    assert.equal(out.attempts, 1);
    assert.equal(f.calls.length, 1);
    assert.deepEqual(sleeps, []);
  });
}

for (const status of [429, 502, 503]) {
  test(`${status} → retried with backoff up to maxAttempts, then a retryable error`, async () => {
    const f = scripted([status, { status: 'error', message: 'busy' }]);
    const { opts, sleeps } = options({ fetch: f.fetch, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 });
    const out = await client.judgeQuestion(opts, input);
    assert.equal(f.calls.length, 4);
    assert.deepEqual(sleeps, [50, 100, 125], 'full jitter (random 0.5) of 100, 200, min(400, 250)');
    assert.equal(out.kind, 'error');
    assert.equal(out.status, status);
    assert.equal(out.retryable, true);
    assert.equal(out.attempts, 4);
    assert.equal(out.message, 'busy');
  });
}

test('network errors and timeouts are retried; the last one is reported', async () => {
  const f = scripted(new TypeError('fetch failed'), Object.assign(new Error('timed out'), { name: 'TimeoutError' }), accepted());
  const out = await client.judgeQuestion(options({ fetch: f.fetch }).opts, input);
  assert.equal(out.kind, 'queued');
  assert.equal(out.attempts, 3);
  const g = scripted(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
  const bad = await client.judgeQuestion(options({ fetch: g.fetch, maxAttempts: 2, timeoutMs: 1234 }).opts, input);
  assert.deepEqual({ ...bad, requestId: undefined }, {
    kind: 'error', status: null, message: 'code-exec did not answer within 1234 ms', retryable: true, requestId: undefined, attempts: 2,
  });
});

test('a Retry-After beyond maxRetryAfterMs ends the call at once with retryAfterMs', async () => {
  const f = scripted([503, { status: 'error', message: 'Too many submissions in progress' }, { 'Retry-After': '120' }]);
  const { opts, sleeps } = options({ fetch: f.fetch, maxRetryAfterMs: 30000 });
  const out = await client.judgeQuestion(opts, input);
  assert.equal(f.calls.length, 1);
  assert.deepEqual(sleeps, []);
  assert.equal(out.retryable, true);
  assert.equal(out.retryAfterMs, 120000);
});

test('Retry-After as an HTTP date; helpers', async () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(client.parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now), 3000);
  assert.equal(client.parseRetryAfter('5', now), 5000);
  assert.equal(client.parseRetryAfter('soon', now), undefined);
  assert.equal(client.parseRetryAfter(null, now), undefined);
  assert.equal(client.backoffDelay(1, 500, 8000, () => 0.999), 499);
  assert.equal(client.backoffDelay(10, 500, 8000, () => 0.5), 4000);
});

test('a non-JSON error answer still gives a message', async () => {
  const fetch = async () => new Response('<html>bad gateway</html>', { status: 418 });
  const out = await client.judgeQuestion(options({ fetch }).opts, input);
  assert.equal(out.message, 'code-exec answered HTTP 418');
  assert.equal(out.body, undefined);
});
