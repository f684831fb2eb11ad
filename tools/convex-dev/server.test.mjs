// Tests of the Convex stand-in. Run: node --test tools/convex-dev/
// Each suite starts the real CLI on port 0 (127.0.0.1 only); the vector suite runs the server
// in-process with an injected clock so the fixed timestamps of the vectors verify end to end.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  checkResultContract, computeSignature, createConvexDev, validateResult, verifySignature,
} from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SERVER = path.join(here, 'server.mjs');
const SAMPLES = path.join(here, '..', 'samples');
const DATA = path.join(SAMPLES, 'problems.json');
const VECTORS = path.join(SAMPLES, 'signature-vectors.json');

// --- helpers -----------------------------------------------------------------------------------

/** Starts the CLI; resolves once the listening line is read. Collects every stdout line. */
function startServer(args = []) {
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--data', DATA, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  let stderr = '';
  let buffered = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (lines.length === 1) {
          try {
            resolve(JSON.parse(line));
          } catch (e) {
            reject(new Error(`first line is not JSON: ${line}`));
          }
        }
      }
    });
    child.stderr.on('data', (c) => { stderr += c; });
    exited.then(({ code }) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  return {
    child, lines, exited, ready,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

function client(port) {
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, urlPath, { body, headers = {}, raw } = {}) => {
    const init = { method, headers: { ...headers } };
    if (raw !== undefined) init.body = raw;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + urlPath, init);
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    base,
    get: (p, o) => call('GET', p, o),
    post: (p, body, o = {}) => call('POST', p, { ...o, body }),
    call,
  };
}

const nowS = () => Math.floor(Date.now() / 1000);

function signedHeaders(secret, raw, ts = String(nowS())) {
  return {
    'content-type': 'application/json',
    'x-code-exec-timestamp': ts,
    'x-code-exec-signature': computeSignature(secret, ts, raw),
  };
}

const passedResult = (submissionId, n = 1) => ({
  submissionId, status: 'passed', passedCount: n, totalCount: n, durationMs: 12,
});

// --- routes, without signing ---------------------------------------------------------------------

describe('convex-dev routes (no secret)', () => {
  let srv;
  let api;
  let port;

  before(async () => {
    srv = startServer();
    ({ port } = await srv.ready);
    api = client(port);
  });
  after(async () => {
    const { code } = await srv.stop();
    assert.equal(code, 0, 'SIGTERM exits 0');
  });

  test('prints exactly {"msg":"listening","port":N} first and answers the health path', async () => {
    assert.deepEqual(Object.keys(JSON.parse(srv.lines[0])), ['msg', 'port']);
    assert.equal(JSON.parse(srv.lines[0]).msg, 'listening');
    assert.ok(Number.isInteger(port) && port > 0);
    const r = await api.get('/');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { ok: true });
    assert.match(r.headers.get('content-type'), /^application\/json/);
  });

  for (const route of ['/coding/testcases', '/coding/personalized-testcases']) {
    test(`${route} answers the question settings and testcases sorted by order`, async () => {
      const r = await api.post(route, { questionId: 'q_sum' });
      assert.equal(r.status, 200);
      const { question, testCases } = r.json;
      assert.equal(question._id, 'q_sum');
      assert.equal(question.timeLimitSeconds, 1);
      assert.equal(typeof question.memoryLimitMb, 'number');
      assert.deepEqual(question.outputComparison, { trimOutputs: true, normalizeWhitespace: false, caseSensitive: true });
      assert.equal(question.testCases, undefined, 'testcases are not repeated inside question');
      assert.equal(testCases.length, 4);
      assert.deepEqual(testCases.map((t) => t.order), [0, 1, 2, 3]);
      assert.deepEqual(testCases.map((t) => t.visibility), ['public', 'public', 'public', 'hidden']);
      for (const t of testCases) {
        assert.equal(typeof t._id, 'string');
        assert.equal(typeof t.stdin, 'string');
        assert.equal(typeof t.expectedStdout, 'string');
      }
      assert.equal(testCases[2].name, undefined, 'name is optional and omitted when absent');
    });

    test(`${route} answers 404 {"error":"question not found"} for an unknown question`, async () => {
      const r = await api.post(route, { questionId: 'q_nope' });
      assert.equal(r.status, 404);
      assert.deepEqual(r.json, { error: 'question not found' });
    });
  }

  test('testcases are sorted by order even when stored out of order', async () => {
    const q = {
      _id: 'q_unsorted', timeLimitSeconds: 1, memoryLimitMb: 64,
      outputComparison: { trimOutputs: true, normalizeWhitespace: false, caseSensitive: true },
      testCases: [
        { _id: 'c', visibility: 'public', stdin: '', expectedStdout: 'c', order: 30 },
        { _id: 'a', visibility: 'hidden', stdin: '', expectedStdout: 'a', order: -1 },
        { _id: 'b', visibility: 'public', stdin: '', expectedStdout: 'b', order: 2.5 },
      ],
    };
    assert.equal((await api.post('/dev/questions', q)).status, 200);
    const r = await api.post('/coding/testcases', { questionId: 'q_unsorted' });
    assert.deepEqual(r.json.testCases.map((t) => t._id), ['a', 'b', 'c']);
  });

  test('an invalid question is refused by /dev/questions', async () => {
    const r = await api.post('/dev/questions', { _id: 'q_bad', timeLimitSeconds: 1 });
    assert.equal(r.status, 400);
    assert.ok(r.json.issues.some((i) => i.path === 'question.memoryLimitMb'));
  });

  test('testcases without a questionId is a 400', async () => {
    const r = await api.post('/coding/testcases', {});
    assert.equal(r.status, 400);
  });

  test('mark running creates the submission implicitly and records "running"', async () => {
    const r = await api.post('/coding/submission-running', { submissionId: 's-run-1' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { ok: true });
    const s = (await api.get('/submissions/s-run-1')).json;
    assert.equal(s.submissionId, 's-run-1');
    assert.equal(s.status, 'running');
    assert.equal(s.kind, 'standard');
    assert.deepEqual(s.history.map((h) => h.status), ['running']);
    assert.ok(!Number.isNaN(Date.parse(s.history[0].at)));
    assert.equal(s.result, null);
  });

  test('queued → running → passed through /dev/submissions and the callbacks', async () => {
    assert.equal((await api.post('/dev/submissions', { submissionId: 's-flow', questionId: 'q_sum' })).status, 200);
    assert.equal((await api.get('/submissions/s-flow')).json.status, 'queued');
    await api.post('/coding/submission-running', { submissionId: 's-flow' });
    const result = passedResult('s-flow', 4);
    const r = await api.post('/coding/submission-result', result, { headers: { 'idempotency-key': 's-flow' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { ok: true });
    const s = (await api.get('/submissions/s-flow')).json;
    assert.equal(s.status, 'passed');
    assert.equal(s.questionId, 'q_sum');
    assert.deepEqual(s.history.map((h) => h.status), ['queued', 'running', 'passed']);
    assert.deepEqual(s.result, result);
    assert.equal(s.resultDeliveries, 1);
    assert.deepEqual(s.contractIssues, []);
  });

  test('a duplicate Idempotency-Key is answered {"ok":true,"duplicate":true} and does not overwrite', async () => {
    await api.post('/coding/submission-running', { submissionId: 's-dup' });
    const first = {
      submissionId: 's-dup', status: 'failed', passedCount: 0, totalCount: 1, firstFailureIndex: 0,
      firstFailure: { errorMessage: 'Wrong answer' }, durationMs: 5,
    };
    const h = { headers: { 'idempotency-key': 's-dup' } };
    assert.deepEqual((await api.post('/coding/submission-result', first, h)).json, { ok: true });
    const second = await api.post('/coding/submission-result', passedResult('s-dup'), h);
    assert.equal(second.status, 200);
    assert.deepEqual(second.json, { ok: true, duplicate: true });
    const s = (await api.get('/submissions/s-dup')).json;
    assert.equal(s.status, 'failed');
    assert.deepEqual(s.result, first);
    assert.equal(s.resultDeliveries, 1);
    assert.equal(s.duplicates, 1);
    assert.deepEqual(s.history.map((x) => x.status), ['running', 'failed']);
  });

  for (const kind of ['standard', 'personalized']) {
    const prefix = kind === 'standard' ? '/coding/' : '/coding/personalized-';
    test(`${kind}: a redelivered submission (running again, then the same key with another result) keeps the first result`, async () => {
      const id = `s-redeliver-${kind}`;
      const h = { headers: { 'idempotency-key': id } };
      await api.post(`${prefix}submission-running`, { submissionId: id });
      const first = passedResult(id, 4);
      assert.deepEqual((await api.post(`${prefix}submission-result`, first, h)).json, { ok: true });
      // At-least-once: a peer runs it again after the first pod died before acknowledging it.
      assert.deepEqual((await api.post(`${prefix}submission-running`, { submissionId: id })).json, { ok: true });
      const rerun = {
        submissionId: id, status: 'error', passedCount: 0, totalCount: 0,
        firstFailure: { errorMessage: 'Deadline passed' }, durationMs: 9,
      };
      const second = await api.post(`${prefix}submission-result`, rerun, h);
      assert.equal(second.status, 200, 'a 2xx, so code-exec stops retrying');
      assert.deepEqual(second.json, { ok: true, duplicate: true });
      const s = (await api.get(`/submissions/${id}`)).json;
      assert.equal(s.kind, kind);
      assert.equal(s.status, 'passed');
      assert.deepEqual(s.result, first);
      assert.equal(s.resultDeliveries, 1);
      assert.equal(s.duplicates, 1);
      assert.deepEqual(s.history.map((x) => x.status), ['running', 'passed']);
      assert.deepEqual(s.contractIssues, []);
    });
  }

  test('idempotency keys are scoped per kind (standard and personalized are separate tables)', async () => {
    const h = { headers: { 'idempotency-key': 's-scope' } };
    await api.post('/coding/submission-result', passedResult('s-scope'), h);
    const other = await api.post('/coding/personalized-submission-result', passedResult('s-scope'), h);
    assert.equal(other.status, 409, 'the personalized route does not know a standard submission');
    assert.deepEqual(other.json.error, 'submission kind mismatch');
  });

  test('results without Idempotency-Key are accepted but recorded as contract issues', async () => {
    await api.post('/coding/submission-running', { submissionId: 's-nokey' });
    assert.equal((await api.post('/coding/submission-result', passedResult('s-nokey'))).status, 200);
    assert.equal((await api.post('/coding/submission-result', passedResult('s-nokey'))).status, 200);
    const s = (await api.get('/submissions/s-nokey')).json;
    assert.equal(s.resultDeliveries, 2);
    assert.ok(s.contractIssues.includes('result callback without Idempotency-Key'));
    assert.ok(s.contractIssues.some((i) => i.startsWith('a second terminal result')));
  });

  test('a malformed result is a 400 with the issues (null, unknown field, wrong type)', async () => {
    const r = await api.post('/coding/submission-result', {
      submissionId: 's-bad', status: 'ok', passedCount: -1, totalCount: 1, durationMs: 1, stderr: null, extra: 1,
    }, { headers: { 'idempotency-key': 's-bad' } });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid result');
    const paths = r.json.issues.map((i) => i.path).sort();
    assert.deepEqual(paths, ['extra', 'passedCount', 'status', 'stderr']);
    assert.equal((await api.get('/submissions/s-bad')).status, 404, 'nothing recorded');
    // The key was not consumed: a corrected retry is accepted, not a duplicate.
    const ok = await api.post('/coding/submission-result', passedResult('s-bad'), { headers: { 'idempotency-key': 's-bad' } });
    assert.deepEqual(ok.json, { ok: true });
  });

  test('a hidden testcase revealed in firstFailure is recorded as a contract issue', async () => {
    await api.post('/dev/submissions', { submissionId: 's-hidden', questionId: 'q_max' });
    await api.post('/coding/submission-running', { submissionId: 's-hidden' });
    await api.post('/coding/submission-result', {
      submissionId: 's-hidden', status: 'failed', passedCount: 2, totalCount: 3, firstFailureIndex: 2,
      firstFailure: { stdin: '3\n-8 -2 -5\n', expectedOutput: '-2', actualOutput: '0', errorMessage: 'Wrong answer' },
      durationMs: 40,
    }, { headers: { 'idempotency-key': 's-hidden' } });
    const s = (await api.get('/submissions/s-hidden')).json;
    assert.equal(s.status, 'failed');
    assert.deepEqual(s.contractIssues, ['hidden testcase revealed in firstFailure (stdin or expectedOutput)']);
  });

  test('personalized running and result record a personalized submission', async () => {
    assert.deepEqual((await api.post('/coding/personalized-submission-running', { submissionId: 's-pers' })).json, { ok: true });
    const r = await api.post('/coding/personalized-submission-result', passedResult('s-pers'), {
      headers: { 'idempotency-key': 's-pers' },
    });
    assert.deepEqual(r.json, { ok: true });
    const s = (await api.get('/submissions/s-pers')).json;
    assert.equal(s.kind, 'personalized');
    assert.equal(s.status, 'passed');
    const wrong = await api.post('/coding/submission-running', { submissionId: 's-pers' });
    assert.equal(wrong.status, 409);
    assert.ok((await api.get('/submissions/s-pers')).json.contractIssues.includes('standard callback for a personalized submission'));
  });

  test('GET /submissions lists every submission; an unknown id is a 404', async () => {
    const all = (await api.get('/submissions')).json.submissions;
    assert.ok(all.length >= 3);
    assert.ok(all.some((s) => s.submissionId === 's-run-1'));
    const r = await api.get('/submissions/does-not-exist');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { error: 'submission not found' });
    const enc = await api.post('/coding/submission-running', { submissionId: 'a/b c' });
    assert.equal(enc.status, 200);
    assert.equal((await api.get(`/submissions/${encodeURIComponent('a/b c')}`)).json.submissionId, 'a/b c');
  });

  test('errors are JSON: 404 unknown route, 405 with Allow, 415 content type, 400 malformed JSON', async () => {
    const nf = await api.get('/nope');
    assert.equal(nf.status, 404);
    assert.deepEqual(nf.json, { error: 'not found' });
    const m = await api.get('/coding/testcases');
    assert.equal(m.status, 405);
    assert.equal(m.headers.get('allow'), 'POST');
    const ct = await api.call('POST', '/coding/testcases', { raw: '{"questionId":"q_sum"}', headers: { 'content-type': 'text/plain' } });
    assert.equal(ct.status, 415);
    const bad = await api.call('POST', '/coding/testcases', { raw: '{"questionId":', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { error: 'invalid JSON' });
  });

  describe('fault injection', () => {
    test('the next `count` calls answer the injected status, then the route works again', async () => {
      const add = await api.post('/dev/faults', { route: '/coding/submission-result', status: 503, count: 2, delayMs: 0 });
      assert.equal(add.status, 200);
      assert.equal((await api.get('/dev/faults')).json.faults.length, 1);
      const h = { headers: { 'idempotency-key': 's-fault' } };
      const a = await api.post('/coding/submission-result', passedResult('s-fault'), h);
      const b = await api.post('/coding/submission-result', passedResult('s-fault'), h);
      assert.equal(a.status, 503);
      assert.equal(b.status, 503);
      assert.equal((await api.get('/submissions/s-fault')).status, 404, 'a faulted call records nothing');
      const c = await api.post('/coding/submission-result', passedResult('s-fault'), h);
      assert.deepEqual(c.json, { ok: true }, 'not a duplicate: the faulted calls did not consume the key');
      assert.deepEqual((await api.get('/dev/faults')).json.faults, []);
    });

    test('Retry-After and a custom (even malformed) body can be injected', async () => {
      await api.post('/dev/faults', { route: '/coding/testcases', status: 429, retryAfter: 3 });
      const r = await api.post('/coding/testcases', { questionId: 'q_sum' });
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '3');
      await api.post('/dev/faults', { route: '/coding/testcases', status: 200, body: '{"question":' });
      const m = await api.post('/coding/testcases', { questionId: 'q_sum' });
      assert.equal(m.status, 200);
      assert.equal(m.text, '{"question":');
      await api.post('/dev/faults', { route: '/coding/testcases', status: 200, body: { question: {}, testCases: 'x' } });
      assert.deepEqual((await api.post('/coding/testcases', { questionId: 'q_sum' })).json, { question: {}, testCases: 'x' });
    });

    test('delayMs delays the answer and then serves normally', async () => {
      await api.post('/dev/faults', { route: '/coding/submission-running', delayMs: 300 });
      const t0 = Date.now();
      const r = await api.post('/coding/submission-running', { submissionId: 's-slow' });
      assert.ok(Date.now() - t0 >= 290, `took ${Date.now() - t0} ms`);
      assert.deepEqual(r.json, { ok: true });
      assert.equal((await api.get('/submissions/s-slow')).json.status, 'running');
    });

    test('a caller that times out during a delay still gets its result recorded; the retry is a duplicate', async () => {
      await api.post('/dev/faults', { route: '/coding/submission-result', delayMs: 400 });
      const raw = JSON.stringify(passedResult('s-timeout'));
      const headers = { 'content-type': 'application/json', 'idempotency-key': 's-timeout' };
      await assert.rejects(fetch(`${api.base}/coding/submission-result`, {
        method: 'POST', headers, body: raw, signal: AbortSignal.timeout(100),
      }));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await api.get('/submissions/s-timeout')).json.status, 'passed');
      const retry = await api.call('POST', '/coding/submission-result', { raw, headers });
      assert.deepEqual(retry.json, { ok: true, duplicate: true });
      assert.equal((await api.get('/')).status, 200, 'the server survived writing to a closed socket');
    });

    test('reset drops the connection without an answer', async () => {
      await api.post('/dev/faults', { route: '/', reset: true });
      await assert.rejects(api.get('/'));
      assert.equal((await api.get('/')).status, 200);
    });

    test('DELETE /dev/faults clears pending faults; invalid faults are a 400', async () => {
      await api.post('/dev/faults', { route: '/coding/submission-running', status: 500, count: 5 });
      const d = await api.call('DELETE', '/dev/faults');
      assert.deepEqual(d.json, { ok: true, removed: 1 });
      assert.equal((await api.post('/coding/submission-running', { submissionId: 's-after-clear' })).status, 200);
      for (const bad of [
        { route: 'coding/x', status: 503 },
        { route: '/dev/faults', status: 503 },
        { route: '/coding/testcases', status: 42 },
        { route: '/coding/testcases', status: 503, count: 0 },
        { route: '/coding/testcases' },
      ]) {
        assert.equal((await api.post('/dev/faults', bad)).status, 400, JSON.stringify(bad));
      }
    });
  });

  test('/dev/stats counts requests per route and testcase fetches per question', async () => {
    const before = (await api.get('/dev/stats')).json;
    await api.post('/coding/testcases', { questionId: 'q_hello' });
    const after = (await api.get('/dev/stats')).json;
    assert.equal(after.testcaseFetches.q_hello, (before.testcaseFetches.q_hello ?? 0) + 1);
    assert.ok(after.requests['/coding/testcases'] > 0);
  });

  test('/dev/stats counts results by status, the time of the last one and why the others failed; not duplicates', async () => {
    const before = (await api.get('/dev/stats')).json;
    const id = `stats-${crypto.randomUUID()}`;
    const result = { submissionId: id, status: 'error', passedCount: 0, totalCount: 1, durationMs: 1, firstFailureIndex: 0, firstFailure: { errorMessage: 'Judge0 unavailable' } };
    await api.post('/coding/submission-running', { submissionId: id });
    await api.post('/coding/submission-result', result, { headers: { 'idempotency-key': id } });
    await api.post('/coding/submission-result', result, { headers: { 'idempotency-key': id } });
    const after = (await api.get('/dev/stats')).json;
    assert.equal(after.results.error, before.results.error + 1);
    assert.equal(after.results.passed, before.results.passed);
    assert.equal(after.failures['error: Judge0 unavailable'], (before.failures['error: Judge0 unavailable'] ?? 0) + 1);
    assert.ok(after.lastResultAt >= Date.now() - 60000);
  });

  test('one JSON log line per request, without bodies', async () => {
    const marker = 'stdin-marker-must-not-be-logged';
    await api.post('/dev/questions', {
      _id: 'q_log', timeLimitSeconds: 1, memoryLimitMb: 64,
      outputComparison: { trimOutputs: true, normalizeWhitespace: false, caseSensitive: true },
      testCases: [{ _id: 't', visibility: 'hidden', stdin: marker, expectedStdout: marker, order: 0 }],
    });
    await api.post('/coding/testcases', { questionId: 'q_log' }, { headers: { 'x-request-id': 'rid-1' } });
    await api.get('/', { headers: { 'x-request-id': 'rid-2' } });
    const mine = () => srv.lines.map((l) => JSON.parse(l)).filter((l) => l.request_id === 'rid-1' || l.request_id === 'rid-2');
    for (let i = 0; i < 100 && mine().length < 2; i += 1) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    const fresh = mine().filter((l) => l.request_id === 'rid-1');
    assert.equal(mine().length, 2, 'one line per request');
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0].msg, 'request');
    assert.equal(fresh[0].path, '/coding/testcases');
    assert.equal(fresh[0].status, 200);
    assert.equal(fresh[0].question_id, 'q_log');
    assert.equal(fresh[0].request_id, 'rid-1');
    for (const l of srv.lines) JSON.parse(l);
    assert.ok(!srv.lines.join('\n').includes(marker));
  });

  test('POST /dev/reset restores the data file and forgets submissions and faults', async () => {
    await api.post('/dev/faults', { route: '/', status: 500 });
    assert.equal((await api.post('/dev/reset', {})).status, 200);
    assert.equal((await api.get('/')).status, 200);
    assert.deepEqual((await api.get('/submissions')).json.submissions, []);
    assert.equal((await api.post('/coding/testcases', { questionId: 'q_unsorted' })).status, 404);
    assert.equal((await api.post('/coding/testcases', { questionId: 'q_hello' })).status, 200);
  });
});

// --- signing ---------------------------------------------------------------------------------------

describe('convex-dev signature verification (--secret)', () => {
  const SECRET = 'test-secret-1';
  const ROTATED = 'test-secret-2';
  let srv;
  let api;

  before(async () => {
    srv = startServer(['--secret', `${SECRET},${ROTATED}`]);
    api = client((await srv.ready).port);
  });
  after(async () => { await srv.stop(); });

  const post = (route, raw, headers) => api.call('POST', route, { raw, headers });
  const body = JSON.stringify({ questionId: 'q_hello' });

  test('a good signature is accepted', async () => {
    const r = await post('/coding/testcases', body, signedHeaders(SECRET, body));
    assert.equal(r.status, 200);
    assert.equal(r.json.question._id, 'q_hello');
  });

  test('a signature with the second (rotated) secret is accepted', async () => {
    const r = await post('/coding/testcases', body, signedHeaders(ROTATED, body));
    assert.equal(r.status, 200);
  });

  test('signatures over a unicode body are checked over its UTF-8 bytes', async () => {
    const raw = JSON.stringify({ submissionId: 'sub-ü-日本-🚀' });
    const r = await post('/coding/submission-running', raw, signedHeaders(SECRET, raw));
    assert.equal(r.status, 200);
    assert.equal((await api.get(`/submissions/${encodeURIComponent('sub-ü-日本-🚀')}`)).json.status, 'running');
  });

  const rejected = {
    'a wrong secret': () => signedHeaders('other-secret', body),
    'a tampered body': () => signedHeaders(SECRET, body.replace('q_hello', 'q_sum')),
    'a stale timestamp (301 s old)': () => signedHeaders(SECRET, body, String(nowS() - 301)),
    'a future timestamp (301 s ahead)': () => signedHeaders(SECRET, body, String(nowS() + 301)),
    'a missing signature': () => ({ 'content-type': 'application/json', 'x-code-exec-timestamp': String(nowS()) }),
    'a missing timestamp': () => {
      const h = signedHeaders(SECRET, body);
      delete h['x-code-exec-timestamp'];
      return h;
    },
    'a signature without v1=': () => {
      const h = signedHeaders(SECRET, body);
      h['x-code-exec-signature'] = h['x-code-exec-signature'].slice(3);
      return h;
    },
    'a truncated signature': () => {
      const h = signedHeaders(SECRET, body);
      h['x-code-exec-signature'] = h['x-code-exec-signature'].slice(0, -2);
      return h;
    },
    'a non-numeric timestamp': () => signedHeaders(SECRET, body, '12ab'),
    'a signature signed with another timestamp': () => {
      const h = signedHeaders(SECRET, body, String(nowS()));
      h['x-code-exec-timestamp'] = String(nowS() - 1);
      return h;
    },
  };
  for (const [what, headers] of Object.entries(rejected)) {
    test(`${what} is a 401 {"error":"bad signature"}`, async () => {
      const r = await post('/coding/testcases', body, headers());
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { error: 'bad signature' });
    });
  }

  test('timestamps 290 s in the past or future are inside the tolerance', async () => {
    for (const ts of [nowS() - 290, nowS() + 290]) {
      const r = await post('/coding/testcases', body, signedHeaders(SECRET, body, String(ts)));
      assert.equal(r.status, 200, `ts offset ${ts - nowS()}`);
    }
  });

  test('every /coding route requires the signature; health, inspection and /dev do not', async () => {
    const raw = JSON.stringify(passedResult('s-sig'));
    for (const route of ['/coding/personalized-testcases', '/coding/submission-running', '/coding/submission-result',
      '/coding/personalized-submission-running', '/coding/personalized-submission-result']) {
      assert.equal((await post(route, raw, { 'content-type': 'application/json' })).status, 401, route);
    }
    assert.equal((await api.get('/')).status, 200);
    assert.equal((await api.get('/submissions')).status, 200);
    assert.equal((await api.get('/dev/faults')).status, 200);
    const ok = await post('/coding/submission-result', raw, { ...signedHeaders(SECRET, raw), 'idempotency-key': 's-sig' });
    assert.deepEqual(ok.json, { ok: true });
  });

  test('the 401 reason is logged, never the secret', async () => {
    for (let i = 0; i < 100 && !srv.lines.join('\n').includes('"reason":"signature mismatch"'); i += 1) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const logged = srv.lines.join('\n');
    assert.ok(logged.includes('"reason":"timestamp outside tolerance"'));
    assert.ok(logged.includes('"reason":"signature mismatch"'));
    assert.ok(!logged.includes(SECRET) && !logged.includes(ROTATED));
  });
});

// --- shared signature vectors (tools/samples/signature-vectors.json) --------------------------------

describe('signature vectors', () => {
  const vectors = JSON.parse(fs.readFileSync(VECTORS, 'utf8'));

  test('the file has the expected entries, including a unicode and an empty body', () => {
    assert.ok(Array.isArray(vectors) && vectors.length >= 5);
    for (const v of vectors) {
      for (const k of ['secret', 'timestamp', 'body', 'signature']) assert.equal(typeof v[k], 'string', k);
      assert.match(v.signature, /^v1=[0-9a-f]{64}$/);
      assert.match(v.timestamp, /^[0-9]+$/);
    }
    assert.ok(vectors.some((v) => v.body === ''));
    assert.ok(vectors.some((v) => Buffer.byteLength(v.body, 'utf8') > v.body.length), 'a body with multi-byte characters');
  });

  test('each vector equals HMAC-SHA256(secret, timestamp + "." + body) from node:crypto', () => {
    for (const v of vectors) {
      const hex = crypto.createHmac('sha256', v.secret).update(`${v.timestamp}.${v.body}`, 'utf8').digest('hex');
      assert.equal(v.signature, `v1=${hex}`, v.name);
      assert.equal(computeSignature(v.secret, v.timestamp, v.body), v.signature, v.name);
    }
  });

  test('two vectors match literals computed independently (openssl dgst -hmac)', () => {
    const empty = vectors.find((v) => v.name === 'empty body');
    assert.equal(empty.secret, 'dev-callback-secret');
    assert.equal(empty.timestamp, '1700000000');
    assert.equal(empty.signature, 'v1=b95cb4c0a0bf1224496f1cb958cad7da759a5b2d968f185b08e450732b6d02d0');
    assert.equal(computeSignature('dev-callback-secret', '1700000000', ''), empty.signature);
  });

  test('verifySignature accepts each vector at its timestamp and rejects any flipped byte', () => {
    for (const v of vectors) {
      const base = { secrets: [v.secret], timestamp: v.timestamp, signature: v.signature, nowSeconds: Number(v.timestamp) };
      assert.deepEqual(verifySignature({ ...base, rawBody: Buffer.from(v.body, 'utf8') }), { ok: true }, v.name);
      const tampered = Buffer.concat([Buffer.from(v.body, 'utf8'), Buffer.from(' ')]);
      assert.equal(verifySignature({ ...base, rawBody: tampered }).reason, 'signature mismatch');
      const hex = v.signature.slice(3);
      const flipped = `v1=${hex.slice(0, -1)}${hex.at(-1) === '0' ? '1' : '0'}`;
      assert.equal(verifySignature({ ...base, rawBody: v.body, signature: flipped }).reason, 'signature mismatch');
      assert.deepEqual(verifySignature({ ...base, rawBody: v.body, signature: v.signature.toUpperCase().replace('V1=', 'v1=') }), { ok: true });
      assert.equal(verifySignature({ ...base, rawBody: v.body, nowSeconds: Number(v.timestamp) + 301 }).reason, 'timestamp outside tolerance');
      assert.deepEqual(verifySignature({ ...base, rawBody: v.body, nowSeconds: Number(v.timestamp) + 300 }), { ok: true });
      assert.equal(verifySignature({ ...base, rawBody: v.body, nowSeconds: Number(v.timestamp) - 301 }).reason, 'timestamp outside tolerance');
    }
  });

  test('the HTTP path verifies each vector end to end (in-process server, injected clock)', async () => {
    for (const v of vectors) {
      const dev = createConvexDev({ dataFile: DATA, secrets: [v.secret], now: () => Number(v.timestamp) * 1000 + 500, log: () => {} });
      const port = await dev.listen(0, '127.0.0.1');
      try {
        const send = (signature) => fetch(`http://127.0.0.1:${port}/coding/testcases`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-code-exec-timestamp': v.timestamp, 'x-code-exec-signature': signature },
          body: v.body,
        });
        const good = await send(v.signature);
        assert.notEqual(good.status, 401, `${v.name}: a good signature passes (then the body is judged)`);
        await good.text();
        const bad = await send(`v1=${'0'.repeat(64)}`);
        assert.equal(bad.status, 401, v.name);
        await bad.text();
      } finally {
        await dev.close();
      }
    }
  });
});

// --- pure checks and the CLI ---------------------------------------------------------------------

describe('result checks', () => {
  test('validateResult accepts the contract payloads', () => {
    assert.deepEqual(validateResult(passedResult('x')), []);
    assert.deepEqual(validateResult({
      submissionId: 'x', status: 'failed', passedCount: 0, totalCount: 2, firstFailureIndex: 0,
      firstFailure: { errorMessage: 'main.cpp:5: error' }, compileOutput: 'main.cpp:5: error', durationMs: 900,
    }), []);
    assert.deepEqual(validateResult({
      submissionId: 'x', status: 'error', passedCount: 0, totalCount: 0,
      firstFailure: { errorMessage: 'question not found' }, durationMs: 3,
    }), []);
  });

  test('checkResultContract flags broken rules', () => {
    const q = JSON.parse(fs.readFileSync(DATA, 'utf8')).questions.find((x) => x._id === 'q_sum');
    assert.deepEqual(checkResultContract(passedResult('x', 4), q), []);
    assert.ok(checkResultContract(passedResult('x', 3), q).some((i) => i.startsWith('totalCount 3')));
    assert.ok(checkResultContract({ status: 'failed', passedCount: 0, totalCount: 4, durationMs: 1 }, q)
      .includes('failed without firstFailureIndex'));
    assert.ok(checkResultContract({ status: 'error', passedCount: 0, totalCount: 0, firstFailure: { errorMessage: ' ' }, durationMs: 1 })
      .includes('error without firstFailure.errorMessage'));
    assert.ok(checkResultContract({
      status: 'failed', passedCount: 1, totalCount: 4, firstFailureIndex: 3, firstFailure: { errorMessage: 'Wrong answer' }, durationMs: 1,
    }, q).some((i) => i.startsWith('passedCount != firstFailureIndex')));
  });
});

describe('CLI', () => {
  const run = (args) => new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => { err += c; });
    child.on('exit', (code) => resolve({ code, err }));
  });

  test('unknown options and a missing --data exit 2; an unreadable data file exits 1', async () => {
    assert.equal((await run(['--data', DATA, '--bogus'])).code, 2);
    assert.equal((await run(['--port', '0'])).code, 2);
    assert.equal((await run(['--port', 'x', '--data', DATA])).code, 2);
    assert.equal((await run(['--max-keys', '0', '--data', DATA])).code, 2);
    const missing = await run(['--port', '0', '--data', path.join(here, 'no-such-file.json')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /cannot load/);
  });

  test('the sample data loads and every demo submission names a source file that exists', () => {
    const subs = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'submissions.json'), 'utf8')).submissions;
    const questions = new Set(JSON.parse(fs.readFileSync(DATA, 'utf8')).questions.map((q) => q._id));
    assert.ok(subs.length >= 8);
    for (const s of subs) {
      assert.ok(fs.existsSync(path.join(SAMPLES, s.sourceFile)), s.sourceFile);
      assert.ok([71, 54].includes(s.languageId));
      assert.ok(['passed', 'failed', 'error'].includes(s.expect));
      assert.equal(typeof s.note, 'string');
      if (s.expect !== 'error') assert.ok(questions.has(s.questionId), s.questionId);
    }
    for (const lang of [71, 54]) assert.ok(subs.some((s) => s.languageId === lang));
  });
});

test('the idempotency table is bounded: past maxIdempotencyKeys the oldest key is forgotten, long keys cost a digest', async () => {
  const dev = createConvexDev({ dataFile: DATA, maxIdempotencyKeys: 2, log: () => {} });
  const api = client(await dev.listen());
  const post = (id, key = id) => api.post('/coding/submission-result', passedResult(id), { headers: { 'idempotency-key': key } });
  try {
    for (const id of ['k1', 'k2', 'k3']) assert.deepEqual((await post(id)).json, { ok: true });
    assert.equal(dev.state.idempotencyKeys.standard.size, 2);
    assert.deepEqual((await post('k3')).json, { ok: true, duplicate: true });
    assert.deepEqual((await post('k2')).json, { ok: true, duplicate: true });
    // k1 was evicted: its replay is applied again, and flagged as a second terminal result.
    assert.deepEqual((await post('k1')).json, { ok: true });
    const k1 = (await api.get('/submissions/k1')).json;
    assert.equal(k1.resultDeliveries, 2);
    assert.ok(k1.contractIssues.some((i) => i.startsWith('a second terminal result')));
    const long = 'x'.repeat(8000);
    assert.deepEqual((await post('k-long', long)).json, { ok: true });
    assert.deepEqual((await post('k-long', long)).json, { ok: true, duplicate: true });
    assert.equal(dev.state.idempotencyKeys.standard.size, 2);
    for (const stored of dev.state.idempotencyKeys.standard) assert.ok(stored.length <= 44, 'a digest, not the key');
    assert.equal(dev.state.idempotencyKeys.personalized.size, 0);
  } finally {
    await dev.close();
  }
});

test('quiet: only warn lines are logged', async () => {
  const lines = [];
  const dev = createConvexDev({ dataFile: DATA, quiet: true, log: (l) => lines.push(JSON.parse(l)) });
  const api = client(await dev.listen());
  try {
    assert.equal((await api.post('/coding/testcases', { questionId: 'q_hello' })).status, 200);
    assert.equal((await api.post('/coding/testcases', { questionId: 'q_nope' })).status, 404);
  } finally {
    await dev.close();
  }
  assert.deepEqual(lines.map((l) => [l.level, l.status]), [['warn', 404]]);
});
