// The Judge0 stand-in: API shapes, lifecycle, GET cache, queue full, callbacks and every fault.
//   node --test --test-timeout=60000 --test-force-exit tools/fakes/
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createJudge0, DEFAULT_FIELDS, encode64 } from './judge0.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const b64 = (s) => Buffer.from(s).toString('base64');
const fakes = [];
after(() => Promise.all(fakes.map((f) => f.close())));

async function start(options) {
  const fake = createJudge0(options);
  fakes.push(fake);
  const url = `http://127.0.0.1:${await fake.listen()}`;
  const call = async (method, route, body) => {
    const res = await fetch(url + route, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, signal: AbortSignal.timeout(10000),
    });
    const text = await res.text();
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
  };
  const submit = (extra = {}) => call('POST', '/submissions?base64_encoded=true&wait=false',
    { language_id: 71, source_code: b64('print("ok")'), ...extra });
  const poll = (token, q = 'base64_encoded=true&fields=*') => call('GET', `/submissions/${token}?${q}`);
  return { fake, url, call, submit, poll };
}

// A callback receiver: records every PUT; `answer(n)` decides per attempt (a status, or 'reset'/'hang').
async function receiver(answer = () => 200) {
  const puts = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      puts.push({ method: req.method, type: req.headers['content-type'], body: Buffer.concat(chunks).toString(), at: performance.now() });
      const a = answer(puts.length);
      if (a === 'reset') req.socket.destroy();
      else if (a !== 'hang') res.writeHead(a).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fakes.push({ close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); } });
  return { url: `http://127.0.0.1:${server.address().port}/cb`, puts };
}
const until = async (cond, ms = 5000) => {
  for (const end = Date.now() + ms; !cond(); await sleep(10)) if (Date.now() > end) throw new Error('timed out');
};

test('create, lifecycle 1 -> 2 -> 3 with N workers, fields, base64 with a line break every 60 chars', async () => {
  const j = await start({ workers: 1, latencyMs: 150, cacheMs: 0 });
  const long = 'x'.repeat(70);
  const a = await j.submit({ source_code: b64('echo'), stdin: b64(long) });
  assert.equal(a.status, 201);
  assert.deepEqual(Object.keys(a.json), ['token']);
  const b = await j.submit();
  assert.equal((await j.poll(a.json.token)).json.status.id, 2);
  assert.deepEqual((await j.poll(b.json.token)).json.status, { id: 1, description: 'In Queue' });
  await sleep(200);
  const done = (await j.poll(a.json.token, 'base64_encoded=true')).json;
  assert.deepEqual(Object.keys(done), DEFAULT_FIELDS);
  assert.equal(done.status.id, 3);
  assert.equal(done.stdout, encode64(long));
  assert.match(done.stdout, /^[A-Za-z0-9+/]{60}\n[A-Za-z0-9+/=]+\n$/);
  await sleep(200);
  const plain = (await j.poll(b.json.token, 'fields=stdout,status_id')).json;
  assert.deepEqual(plain, { stdout: 'ok\n', status_id: 3 });
  assert.equal((await j.poll(b.json.token, 'fields=stdout,nope')).json.error, 'invalid fields: [nope]');
  assert.equal((await j.poll('unknown')).status, 404);
  assert.equal(j.fake.stats.runMs >= 300, true);
});

test('422 without source or with an unknown language; GET /languages', async () => {
  const j = await start();
  const r = await j.call('POST', '/submissions?base64_encoded=true', { language_id: 999999 });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json, { source_code: ["can't be blank"], language_id: ["language with id 999999 doesn't exist"] });
  const langs = (await j.call('GET', '/languages')).json;
  assert.ok(langs.some((l) => l.id === 71));
  assert.deepEqual(langs.map((l) => l.name), langs.map((l) => l.name).sort((x, y) => x.localeCompare(y)));
});

test('GET cache: a token answers the same body for cacheMs', async () => {
  const j = await start({ latencyMs: 50, cacheMs: 400 });
  const { token } = (await j.submit()).json;
  assert.equal((await j.poll(token)).json.status.id, 2);
  await sleep(150); // the job ended at 50 ms
  assert.equal((await j.poll(token)).json.status.id, 2, 'stale answer from the cache');
  assert.equal(j.fake.stats.cacheHits, 1);
  await sleep(300);
  assert.equal((await j.poll(token)).json.status.id, 3);
  assert.equal(j.fake.stats.seen, 1);
});

test('503 queue is full once maxQueue submissions wait', async () => {
  const j = await start({ workers: 1, latencyMs: 60000, maxQueue: 2 });
  for (let i = 0; i < 3; i++) assert.equal((await j.submit()).status, 201); // one runs, two wait
  const full = await j.submit();
  assert.equal(full.status, 503);
  assert.deepEqual(full.json, { error: 'queue is full' });
  assert.equal(j.fake.stats.refused, 1);
});

test('callback: PUT of the default fields, always base64, once on an HTTP answer of any status', async () => {
  const rx = await receiver(() => 500);
  const j = await start();
  const { token } = (await j.call('POST', '/submissions', { language_id: 71, source_code: 'print("hi")', callback_url: rx.url })).json;
  await until(() => rx.puts.length === 1);
  await sleep(100);
  assert.equal(rx.puts.length, 1, 'a 500 answer is not retried');
  assert.equal(rx.puts[0].method, 'PUT');
  assert.equal(rx.puts[0].type, 'application/json');
  const body = JSON.parse(rx.puts[0].body);
  assert.deepEqual(Object.keys(body), DEFAULT_FIELDS);
  assert.equal(body.token, token);
  assert.equal(body.stdout, encode64('hi\n'));
  assert.equal(j.fake.stats.seen, 1);
});

test('callback: up to 3 tries on a reset or a timeout, then given up', async () => {
  const rx = await receiver((n) => (n < 3 ? 'reset' : 204));
  const j = await start({ callbackTimeoutMs: 200 });
  await j.submit({ callback_url: rx.url });
  await until(() => j.fake.stats.callbacks.answered === 1);
  assert.equal(rx.puts.length, 3);
  const hang = await receiver(() => 'hang');
  await j.submit({ callback_url: hang.url });
  await until(() => j.fake.stats.callbacks.failed === 5);
  await sleep(300);
  assert.equal(hang.puts.length, 3, 'three tries, no more');
  assert.equal(j.fake.stats.callbacks.attempts, 6);
});

test('callback faults: drop, delay, duplicate, corrupt (HTTP control and in-process)', async () => {
  const rx = await receiver();
  const j = await start();
  assert.equal((await j.call('POST', '/dev/faults', { on: 'callback', action: 'drop' })).status, 200);
  await j.submit({ callback_url: rx.url });
  await until(() => j.fake.stats.callbacks.dropped === 1);
  await sleep(100);
  assert.equal(rx.puts.length, 0);

  j.fake.addFault({ on: 'callback', action: 'delay', delayMs: 300 });
  const t0 = performance.now();
  await j.submit({ callback_url: rx.url });
  await until(() => rx.puts.length === 1);
  assert.ok(rx.puts[0].at - t0 >= 290, `arrived after ${rx.puts[0].at - t0} ms`);

  j.fake.addFault({ on: 'callback', action: 'duplicate' });
  await j.submit({ callback_url: rx.url });
  await until(() => rx.puts.length === 3);
  assert.equal(rx.puts[1].body, rx.puts[2].body);

  j.fake.addFault({ on: 'callback', action: 'corrupt' });
  await j.submit({ callback_url: rx.url });
  await until(() => rx.puts.length === 4);
  assert.throws(() => JSON.parse(rx.puts[3].body));
  assert.deepEqual((await j.call('GET', '/dev/stats')).json.callbacks,
    { attempts: 4, answered: 4, failed: 0, dropped: 1, delayed: 1, duplicated: 1, corrupted: 1 });
  assert.equal((await j.call('POST', '/dev/faults', { on: 'callback', action: 'explode' })).status, 400);
});

test('create and poll faults, scripted verdicts, hold', async () => {
  const j = await start({ cacheMs: 0 });
  j.fake.addFault({ on: 'create', status: 500, count: 2 });
  assert.equal((await j.submit()).status, 500);
  assert.equal((await j.submit()).status, 500);
  const ok = (await j.submit()).json.token;
  j.fake.addFault({ on: 'poll', reset: true });
  await assert.rejects(j.poll(ok));
  await j.call('POST', '/dev/faults', { on: 'verdict', statusId: 13, message: 'boom' });
  const bad = (await j.submit()).json.token;
  await sleep(50);
  const r = (await j.poll(bad, 'base64_encoded=true')).json;
  assert.equal(r.status.id, 13);
  assert.equal(r.message, encode64('boom'));
  const next = (await j.submit()).json.token;
  await sleep(50);
  assert.equal((await j.poll(next)).json.status.id, 3, 'the verdict fault applied once');

  await j.call('POST', '/dev/config', { hold: true });
  const held = (await j.submit()).json.token;
  await sleep(50);
  assert.equal((await j.poll(held)).json.status.id, 2);
  j.fake.set({ hold: false });
  assert.equal((await j.poll(held)).json.status.id, 3);
});

test('CLI: listening line, --fault, bad arguments exit 2', async () => {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'judge0.mjs');
  const bad = await new Promise((r) => execFile(process.execPath, [script, '--workers', 'x'], (e) => r(e?.code)));
  assert.equal(bad, 2);
  const proc = spawn(process.execPath, [script, '--cache-ms', '0', '--fault', '{"on":"create","status":503,"always":true}']);
  fakes.push({ close: async () => { proc.kill('SIGKILL'); } });
  const [line] = await once(readline.createInterface({ input: proc.stdout }), 'line');
  const { msg, port, cache_ms: cacheMs } = JSON.parse(line);
  assert.deepEqual([msg, cacheMs], ['listening', 0]);
  const res = await fetch(`http://127.0.0.1:${port}/submissions`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 503);
  assert.equal((await (await fetch(`http://127.0.0.1:${port}/dev/faults`)).json()).faults.length, 1);
});

test('/dev/disconnect closes the keep-alive connections; /dev/reset forgets submissions, faults and counters', async () => {
  const j = await start();
  const { token } = (await j.submit()).json;
  const open = () => new Promise((r) => j.fake.server.getConnections((_, n) => r(n)));
  assert.ok((await open()) >= 1, 'fetch keeps its connection alive');
  await j.call('POST', '/dev/disconnect');
  await sleep(100);
  assert.equal(await open(), 0);
  j.fake.addFault({ on: 'create', status: 500 });
  await j.call('POST', '/dev/reset');
  assert.equal((await j.poll(token)).status, 404);
  assert.equal((await j.submit()).status, 201, 'the fault is gone');
  assert.equal(j.fake.stats.created, 1);
});
