// The kit's signing and verification against the shared vectors of tools/samples/signature-vectors.json
// (the same file the C++ tests and convex-dev use).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { client, vectors, verify } from './kit.mjs';

test('the vector file has vectors', () => {
  assert.ok(Array.isArray(vectors) && vectors.length >= 5);
});

for (const v of vectors) {
  test(`vector "${v.name}": signPayload reproduces the signature`, async () => {
    assert.equal(await client.signPayload(v.secret, v.timestamp, v.body), v.signature);
    assert.equal(await client.signPayload(v.secret, v.timestamp, new TextEncoder().encode(v.body)), v.signature);
  });

  test(`vector "${v.name}": verifySignature accepts it and refuses tampering`, async () => {
    const now = Number(v.timestamp);
    const ok = (h, body = v.body, opts = {}) => verify.verifySignature(h, body, { secrets: v.secret, nowSeconds: now, ...opts });
    const h = { timestamp: v.timestamp, signature: v.signature };
    assert.deepEqual(await ok(h), { ok: true, timestamp: now });
    assert.deepEqual(await ok({ ...h, signature: v.signature.toUpperCase().replace('V1=', 'v1=') }), { ok: true, timestamp: now });
    assert.deepEqual(await ok(h, v.body + ' '), { ok: false, reason: 'signature_mismatch' });
    assert.deepEqual(await ok(h, v.body, { secrets: v.secret + 'x' }), { ok: false, reason: 'signature_mismatch' });
    assert.deepEqual(await ok(h, v.body, { secrets: ['old-secret', v.secret] }), { ok: true, timestamp: now }, 'rotation: any listed secret');
    assert.deepEqual(await ok(h, v.body, { secrets: `old-secret, ${v.secret}` }), { ok: true, timestamp: now }, 'comma-separated secrets');
    const flipped = v.signature.slice(0, -1) + (v.signature.endsWith('0') ? '1' : '0');
    assert.deepEqual(await ok({ ...h, signature: flipped }), { ok: false, reason: 'signature_mismatch' });
    const otherTs = String(now + 1);
    assert.deepEqual(await ok({ ...h, timestamp: otherTs }), { ok: false, reason: 'signature_mismatch' });
  });
}

test('tolerance window: 300 s either way by default, configurable', async () => {
  const v = vectors.find((x) => x.name === 'final result') ?? vectors[0];
  const ts = Number(v.timestamp);
  const h = { timestamp: v.timestamp, signature: v.signature };
  const at = (nowSeconds, toleranceSeconds) => verify.verifySignature(h, v.body, { secrets: v.secret, nowSeconds, toleranceSeconds });
  assert.equal((await at(ts + 300)).ok, true);
  assert.equal((await at(ts - 300)).ok, true);
  assert.deepEqual(await at(ts + 301), { ok: false, reason: 'stale_timestamp' });
  assert.deepEqual(await at(ts - 301), { ok: false, reason: 'stale_timestamp' });
  assert.deepEqual(await at(ts + 11, 10), { ok: false, reason: 'stale_timestamp' });
  assert.equal((await at(ts + 10, 10)).ok, true);
});

test('malformed or missing headers and missing secrets are refused', async () => {
  const v = vectors[0];
  const now = Number(v.timestamp);
  const run = (h, secrets = v.secret) => verify.verifySignature(h, v.body, { secrets, nowSeconds: now });
  assert.deepEqual(await run({ timestamp: null, signature: v.signature }), { ok: false, reason: 'missing_headers' });
  assert.deepEqual(await run({ timestamp: v.timestamp, signature: undefined }), { ok: false, reason: 'missing_headers' });
  assert.deepEqual(await run({ timestamp: '17e8', signature: v.signature }), { ok: false, reason: 'bad_timestamp' });
  assert.deepEqual(await run({ timestamp: '-1', signature: v.signature }), { ok: false, reason: 'bad_timestamp' });
  assert.deepEqual(await run({ timestamp: v.timestamp, signature: v.signature.slice(3) }), { ok: false, reason: 'bad_signature_format' });
  assert.deepEqual(await run({ timestamp: v.timestamp, signature: 'v2=' + v.signature.slice(3) }), { ok: false, reason: 'bad_signature_format' });
  assert.deepEqual(await run({ timestamp: v.timestamp, signature: v.signature + '00' }), { ok: false, reason: 'bad_signature_format' });
  assert.deepEqual(await run({ timestamp: v.timestamp, signature: `v1=${'0'.repeat(64)}, ${v.signature}` }), { ok: true, timestamp: now });
  for (const secrets of [undefined, '', ' , ', []]) {
    const r = await verify.verifySignature({ timestamp: v.timestamp, signature: v.signature }, v.body, { secrets, nowSeconds: now });
    assert.deepEqual(r, { ok: false, reason: 'no_secret' }, JSON.stringify(secrets));
  }
});

test('timingSafeEqual', () => {
  const a = new Uint8Array([1, 2, 3]);
  assert.equal(verify.timingSafeEqual(a, new Uint8Array([1, 2, 3])), true);
  assert.equal(verify.timingSafeEqual(a, new Uint8Array([1, 2, 4])), false);
  assert.equal(verify.timingSafeEqual(a, new Uint8Array([1, 2])), false);
});
