// codeExecCallback: the Convex HTTP action body, with Web Request/Response objects as Convex has.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { client, verify } from './kit.mjs';

const SECRET = 'cb-secret';
const ctx = { name: 'fake-ctx' };

async function signedRequest(body, { secret = SECRET, ts = Math.floor(Date.now() / 1000), idempotencyKey, headers = {} } = {}) {
  const h = {
    'Content-Type': 'application/json',
    'X-Code-Exec-Timestamp': String(ts),
    'X-Code-Exec-Signature': await client.signPayload(secret, String(ts), body),
    ...headers,
  };
  if (idempotencyKey) h['Idempotency-Key'] = idempotencyKey;
  return new Request('https://example.convex.site/coding/submission-result', { method: 'POST', headers: h, body });
}

test('a verified callback reaches handle with the parsed body; default answer 200 {"ok":true}', async () => {
  const seen = [];
  const action = verify.codeExecCallback({ secrets: SECRET, handle: (c, body, info) => void seen.push({ c, body, info }) });
  const body = JSON.stringify({ submissionId: 'sub-ü', status: 'passed', passedCount: 1, totalCount: 1, durationMs: 5 });
  const res = await action(ctx, await signedRequest(body));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].c, ctx);
  assert.equal(seen[0].body.submissionId, 'sub-ü');
  assert.equal(seen[0].info.rawBody, body);
});

test('bad, stale or missing signatures are 401 and never reach handle', async () => {
  const rejects = [];
  let called = 0;
  const action = verify.codeExecCallback({ secrets: SECRET, handle: () => void called++, onReject: (r) => rejects.push(r) });
  const body = '{"submissionId":"s"}';
  const cases = [
    await signedRequest(body, { secret: 'other' }),
    await signedRequest(body, { ts: Math.floor(Date.now() / 1000) - 1000 }),
    new Request('https://x/y', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } }),
  ];
  for (const req of cases) {
    const res = await action(ctx, req);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: 'bad signature' });
  }
  assert.equal(called, 0);
  assert.deepEqual(rejects, ['signature_mismatch', 'stale_timestamp', 'missing_headers']);
  const unconfigured = verify.codeExecCallback({ secrets: process.env.SURELY_UNSET_SECRET_VAR, handle: () => void called++ });
  assert.equal((await unconfigured(ctx, await signedRequest(body))).status, 401, 'no secret configured: fail closed');
  let current = 'old';
  const lazy = verify.codeExecCallback({ secrets: () => current, handle: () => ({ ok: true }) });
  assert.equal((await lazy(ctx, await signedRequest(body))).status, 401);
  current = `old,${SECRET}`;
  assert.equal((await lazy(ctx, await signedRequest(body))).status, 200, 'secrets read at request time');
});

test('signed but malformed JSON is 400', async () => {
  const action = verify.codeExecCallback({ secrets: SECRET, handle: () => assert.fail('not called') });
  const res = await action(ctx, await signedRequest('{nope'));
  assert.equal(res.status, 400);
});

test('a repeated Idempotency-Key is answered as a duplicate without calling handle again', async () => {
  const store = verify.memoryIdempotencyStore();
  let calls = 0;
  const action = verify.codeExecCallback({ secrets: SECRET, idempotency: () => store, handle: () => void calls++ });
  const body = '{"submissionId":"sub-9","status":"passed","passedCount":1,"totalCount":1,"durationMs":3}';
  const first = await action(ctx, await signedRequest(body, { idempotencyKey: 'sub-9' }));
  assert.deepEqual(await first.json(), { ok: true });
  const again = await action(ctx, await signedRequest(body, { idempotencyKey: 'sub-9' }));
  assert.equal(again.status, 200);
  assert.deepEqual(await again.json(), { ok: true, duplicate: true });
  assert.equal(calls, 1);
  const other = await action(ctx, await signedRequest(body, { idempotencyKey: 'sub-10' }));
  assert.deepEqual(await other.json(), { ok: true });
  assert.equal(calls, 2);
});

test('a failing handler answers 500 and releases the key, so the retry is applied', async () => {
  const store = verify.memoryIdempotencyStore();
  let calls = 0;
  const action = verify.codeExecCallback({
    secrets: SECRET,
    idempotency: () => store,
    handle: () => {
      calls++;
      if (calls === 1) throw new Error('db down');
      if (calls === 2) return new Response('{"error":"busy"}', { status: 503 });
      return { ok: true, stored: true };
    },
  });
  const body = '{"submissionId":"sub-r"}';
  assert.equal((await action(ctx, await signedRequest(body, { idempotencyKey: 'sub-r' }))).status, 500);
  assert.equal((await action(ctx, await signedRequest(body, { idempotencyKey: 'sub-r' }))).status, 503);
  const third = await action(ctx, await signedRequest(body, { idempotencyKey: 'sub-r' }));
  assert.deepEqual(await third.json(), { ok: true, stored: true });
  assert.equal(calls, 3);
  assert.deepEqual([...store.keys], ['sub-r']);
});

test('the signature covers the raw bytes, not a re-serialisation', async () => {
  const action = verify.codeExecCallback({ secrets: SECRET, handle: (_c, body) => ({ ok: true, got: body }) });
  const body = '{ "submissionId" : "spaced",\n "x": "é" }';
  const res = await action(ctx, await signedRequest(body));
  assert.deepEqual(await res.json(), { ok: true, got: { submissionId: 'spaced', x: 'é' } });
});

// One Convex mutation, as the README's saveResult: it runs on a copy of the tables that is
// committed only when it returns, one at a time (Convex reruns a conflicting mutation, which
// serialises two that touch the same key).
function fakeConvex({ failApply = 0 } = {}) {
  const db = { deliveries: new Set(), results: new Map(), applies: 0 };
  let queue = Promise.resolve();
  const saveResult = async (tx, { key, result }) => {
    const log = { seen: async (k) => tx.deliveries.has(k), record: async (k) => void tx.deliveries.add(k) };
    const applied = await verify.applyOnce(log, key, () => {
      tx.results.set(result.submissionId, result);
      tx.applies += 1;
      if (failApply-- > 0) throw new Error('db down');
    });
    return applied ? { ok: true } : { ok: true, duplicate: true };
  };
  const runMutation = (args) => {
    const run = queue.then(async () => {
      const tx = { deliveries: new Set(db.deliveries), results: new Map(db.results), applies: db.applies };
      const out = await saveResult(tx, args);
      Object.assign(db, tx);
      return out;
    });
    queue = run.catch(() => {});
    return run;
  };
  const action = verify.codeExecCallback({
    secrets: SECRET,
    handle: (_ctx, body, info) => runMutation({ key: info.idempotencyKey ?? '', result: body }),
  });
  return { db, action };
}

const result = (submissionId, status = 'passed') => JSON.stringify({ submissionId, status, passedCount: 1, totalCount: 1, durationMs: 3 });

test('applyOnce: a redelivered result (same key, any body) is answered 200 duplicate and not applied; the first wins', async () => {
  const { db, action } = fakeConvex();
  const first = await action(ctx, await signedRequest(result('sub-1'), { idempotencyKey: 'sub-1' }));
  assert.equal(first.status, 200);
  assert.deepEqual(await first.json(), { ok: true });
  // The rerun of a submission whose pod died after posting may end differently.
  const again = await action(ctx, await signedRequest(result('sub-1', 'error'), { idempotencyKey: 'sub-1' }));
  assert.equal(again.status, 200, 'a 2xx: code-exec stops retrying');
  assert.deepEqual(await again.json(), { ok: true, duplicate: true });
  assert.equal(db.applies, 1);
  assert.equal(db.results.get('sub-1').status, 'passed');
  const other = await action(ctx, await signedRequest(result('sub-2'), { idempotencyKey: 'sub-2' }));
  assert.deepEqual(await other.json(), { ok: true });
  assert.equal(db.applies, 2);
  assert.deepEqual([...db.results.keys()], ['sub-1', 'sub-2']);
});

test('applyOnce: two concurrent deliveries of one key apply once', async () => {
  const { db, action } = fakeConvex();
  const answers = await Promise.all([1, 2].map(async () => (await action(ctx, await signedRequest(result('sub-c'), { idempotencyKey: 'sub-c' }))).json()));
  assert.deepEqual(answers.sort((a, b) => Object.keys(a).length - Object.keys(b).length), [{ ok: true }, { ok: true, duplicate: true }]);
  assert.equal(db.applies, 1);
});

test('applyOnce: a failed mutation records neither the result nor the key, so the retry is applied', async () => {
  const { db, action } = fakeConvex({ failApply: 1 });
  const failed = await action(ctx, await signedRequest(result('sub-f'), { idempotencyKey: 'sub-f' }));
  assert.equal(failed.status, 500);
  assert.equal(db.deliveries.size, 0);
  assert.equal(db.results.size, 0);
  const retry = await action(ctx, await signedRequest(result('sub-f'), { idempotencyKey: 'sub-f' }));
  assert.deepEqual(await retry.json(), { ok: true });
  assert.deepEqual([...db.deliveries], ['sub-f']);
});

test('applyOnce: without an Idempotency-Key every delivery is applied (nothing to deduplicate on)', async () => {
  const { db, action } = fakeConvex();
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(await (await action(ctx, await signedRequest(result('sub-n')))).json(), { ok: true });
  }
  assert.equal(db.applies, 2);
  assert.equal(db.deliveries.size, 0);
});
