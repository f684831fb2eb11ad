#!/usr/bin/env node
// A controllable Judge0 CE (v1.13.1) stand-in for every Node-side check: the bench, the OpenAPI and
// Convex kit tests, the smoke test and deploy's live Prometheus check. Node built-ins only.
//
//   node tools/fakes/judge0.mjs [--port 0] [--workers 16] [--latency-ms 0] [--cache-ms 1000]
//                               [--max-queue 100] [--fault JSON]...
//   -> first stdout line {"msg":"listening","port":N,...}; nothing per request
//
// See tools/fakes/README.md for the API it speaks, its program model and its /dev/ control routes.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const STATUSES = {
  1: 'In Queue', 2: 'Processing', 3: 'Accepted', 4: 'Wrong Answer', 5: 'Time Limit Exceeded',
  6: 'Compilation Error', 7: 'Runtime Error (SIGSEGV)', 8: 'Runtime Error (SIGXFSZ)',
  9: 'Runtime Error (SIGFPE)', 10: 'Runtime Error (SIGABRT)', 11: 'Runtime Error (NZEC)',
  12: 'Runtime Error (Other)', 13: 'Internal Error', 14: 'Exec Format Error',
};
export const LANGUAGES = [
  { id: 46, name: 'Bash (5.0.0)' }, { id: 50, name: 'C (GCC 9.2.0)' }, { id: 54, name: 'C++ (GCC 9.2.0)' },
  { id: 60, name: 'Go (1.13.5)' }, { id: 62, name: 'Java (OpenJDK 13.0.1)' },
  { id: 63, name: 'JavaScript (Node.js 12.14.0)' }, { id: 71, name: 'Python (3.8.1)' }, { id: 73, name: 'Rust (1.40.0)' },
];
// Every field of a v1.13.1 submission, in the order Judge0 emits them.
export const ALL_FIELDS = [
  'source_code', 'language_id', 'stdin', 'expected_output', 'stdout', 'status_id', 'created_at', 'finished_at',
  'time', 'memory', 'stderr', 'token', 'number_of_runs', 'cpu_time_limit', 'cpu_extra_time', 'wall_time_limit',
  'memory_limit', 'stack_limit', 'max_processes_and_or_threads', 'enable_per_process_and_thread_time_limit',
  'enable_per_process_and_thread_memory_limit', 'max_file_size', 'compile_output', 'exit_code', 'exit_signal',
  'message', 'wall_time', 'compiler_options', 'command_line_arguments', 'redirect_stderr_to_stdout',
  'callback_url', 'additional_files', 'enable_network', 'status', 'language',
];
export const DEFAULT_FIELDS = ['stdout', 'time', 'memory', 'stderr', 'token', 'compile_output', 'message', 'status'];
const TEXT_FIELDS = new Set(['source_code', 'stdin', 'expected_output', 'stdout', 'stderr', 'compile_output', 'message']);
const LIMIT_DEFAULTS = {
  number_of_runs: 1, cpu_time_limit: '5.0', cpu_extra_time: '1.0', wall_time_limit: '10.0', memory_limit: 128000,
  stack_limit: 64000, max_processes_and_or_threads: 60, enable_per_process_and_thread_time_limit: false,
  enable_per_process_and_thread_memory_limit: false, max_file_size: 1024,
};
export const DEFAULTS = { workers: 16, latencyMs: 0, cacheMs: 1000, maxQueue: 100, callbackTries: 3, callbackTimeoutMs: 5000 };
const FAULT_ON = new Set(['create', 'poll', 'callback', 'verdict']);
const CALLBACK_ACTIONS = new Set(['drop', 'delay', 'duplicate', 'corrupt']);

/** Ruby's Base64.encode64, as Judge0 stores text: a line break after every 60 characters and at the end. */
export function encode64(text) {
  const b = Buffer.from(text, 'utf8').toString('base64');
  return b === '' ? '' : `${b.replace(/(.{60})/g, '$1\n').replace(/\n$/, '')}\n`;
}
// Base64.decode64: lenient, whatever is not of the alphabet is skipped.
const decode64 = (s) => Buffer.from(String(s).replace(/[^A-Za-z0-9+/]/g, ''), 'base64').toString('utf8');

// Judge0's comparison with expected_output: each line right-stripped, trailing blank lines dropped.
const stripOutput = (s) => (s == null ? null : s.split('\n').map((l) => l.trimEnd()).join('\n').trimEnd());

/**
 * The program model: a one-line `print("text")` (or single quotes) prints text and a newline;
 * any other source echoes its stdin. Returns the text fields and status of the finished run.
 */
function runProgram(sub) {
  const m = /^\s*print\((["'])([^"'\\]*)\1\)\s*$/.exec(sub.source_code ?? '');
  const stdout = m ? `${m[2]}\n` : (sub.stdin ?? '');
  let statusId = 3;
  if (sub.expected_output != null && stripOutput(stdout || null) !== stripOutput(sub.expected_output)) statusId = 4;
  return { statusId, stdout };
}

/** Checks one fault (the body of POST /dev/faults or a --fault flag); returns {fault} or {error}. */
export function parseFault(f) {
  if (f === null || typeof f !== 'object' || Array.isArray(f)) return { error: 'a fault is a JSON object' };
  if (!FAULT_ON.has(f.on)) return { error: `"on" must be one of ${[...FAULT_ON].join(', ')}` };
  const fault = { ...f };
  if (fault.always !== undefined && typeof fault.always !== 'boolean') return { error: '"always" must be a boolean' };
  if (fault.count === undefined) fault.count = 1;
  if (!Number.isInteger(fault.count) || fault.count < 1) return { error: '"count" must be an integer >= 1' };
  if (fault.delayMs !== undefined && !(Number.isInteger(fault.delayMs) && fault.delayMs >= 0)) {
    return { error: '"delayMs" must be an integer >= 0' };
  }
  if (fault.on === 'callback') {
    if (!CALLBACK_ACTIONS.has(fault.action)) return { error: `"action" must be one of ${[...CALLBACK_ACTIONS].join(', ')}` };
    if (fault.action === 'delay' && fault.delayMs === undefined) return { error: 'a delay needs "delayMs"' };
  } else if (fault.on === 'verdict') {
    if (!STATUSES[fault.statusId] || fault.statusId < 3) return { error: '"statusId" must be a terminal Judge0 status (3..14)' };
    for (const k of ['stdout', 'stderr', 'compile_output', 'message']) {
      if (fault[k] !== undefined && typeof fault[k] !== 'string') return { error: `"${k}" must be a string` };
    }
  } else {
    if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 200 && fault.status <= 599)) {
      return { error: '"status" must be an HTTP status' };
    }
    if (fault.status === undefined && !fault.reset && fault.delayMs === undefined) {
      return { error: 'a create or poll fault needs "status", "reset" or "delayMs"' };
    }
  }
  return { fault };
}

const emptyStats = () => ({
  created: 0, refused: 0, polls: 0, cacheHits: 0, finished: 0, seen: 0, heldMs: 0, runMs: 0,
  callbacks: { attempts: 0, answered: 0, failed: 0, dropped: 0, delayed: 0, duplicated: 0, corrupted: 0 },
});

/**
 * Creates the stand-in. Options: workers, latencyMs, cacheMs (SUBMISSION_CACHE_DURATION; 0 = off),
 * maxQueue (MAX_QUEUE_SIZE), callbackTries, callbackTimeoutMs, faults (list), now (() => ms).
 */
export function createJudge0(options = {}) {
  const start = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([k]) => k in DEFAULTS)) };
  const now = options.now ?? (() => performance.now());
  const config = { ...start, hold: false };
  const subs = new Map(); // token → submission record (every field Judge0 stores, texts plain)
  const jobs = new Map(); // token → {created, started, ended, seen}
  const cache = new Map(); // token → {until, snapshot}: Rails.cache of GET /submissions/{token}
  let queue = []; // tokens In Queue
  let held = []; // tokens whose run ended while config.hold was on
  let busy = 0;
  let faults = [];
  let stats = emptyStats();
  for (const f of options.faults ?? []) addFault(f);

  function addFault(f) {
    const { fault, error } = parseFault(f);
    if (error) throw new Error(error);
    faults.push(fault);
    return fault;
  }
  function takeFault(on) {
    const i = faults.findIndex((f) => f.on === on);
    if (i < 0) return undefined;
    const f = faults[i];
    if (!f.always && --f.count <= 0) faults.splice(i, 1);
    return f;
  }

  // --- workers ------------------------------------------------------------------------------
  function startNext() {
    while (busy < config.workers && queue.length) {
      const token = queue.shift();
      busy++;
      subs.get(token).status_id = 2;
      jobs.get(token).started = now();
      setTimeout(() => runEnded(token), config.latencyMs);
    }
  }
  function runEnded(token) {
    if (!subs.has(token)) return; // forgotten by a reset
    if (config.hold) { held.push(token); return; }
    busy--;
    finish(token);
    startNext();
  }
  function finish(token) {
    const sub = subs.get(token);
    const job = jobs.get(token);
    const verdict = takeFault('verdict');
    const run = verdict
      ? { statusId: verdict.statusId, stdout: verdict.stdout ?? '', stderr: verdict.stderr, compile_output: verdict.compile_output, message: verdict.message }
      : runProgram(sub);
    const compiled = run.statusId !== 6;
    const seconds = compiled ? Math.max(0.001, config.latencyMs / 1000).toFixed(3) : null;
    Object.assign(sub, {
      status_id: run.statusId,
      stdout: run.stdout || null,
      stderr: run.stderr || null,
      compile_output: run.compile_output || null,
      message: run.message || null,
      time: seconds,
      wall_time: seconds,
      memory: compiled ? 1024 : null,
      exit_code: [3, 4].includes(run.statusId) ? 0 : run.statusId === 11 ? 1 : null,
      finished_at: new Date().toISOString(),
    });
    job.ended = now();
    stats.finished++;
    stats.runMs += job.ended - job.started;
    if (sub.callback_url) callback(token);
  }

  function seen(token) {
    const job = jobs.get(token);
    if (!job || job.seen !== undefined) return;
    job.seen = now();
    stats.seen++;
    stats.heldMs += job.seen - job.created;
  }

  // --- callbacks: PUT of the default fields, always base64, up to callbackTries tries --------
  async function callback(token) {
    const body = JSON.stringify(serialize(subs.get(token), DEFAULT_FIELDS, true));
    const fault = takeFault('callback');
    if (fault?.action === 'drop') { stats.callbacks.dropped++; return; }
    if (fault?.action === 'delay') { stats.callbacks.delayed++; await new Promise((r) => setTimeout(r, fault.delayMs)); }
    if (fault?.action === 'corrupt') {
      stats.callbacks.corrupted++;
      await deliver(token, body.slice(0, Math.floor(body.length / 2)), false);
      return;
    }
    await deliver(token, body);
    if (fault?.action === 'duplicate') { stats.callbacks.duplicated++; await deliver(token, body); }
  }
  // `verdict`: the body carries the result, so an answered PUT means the client has seen it.
  async function deliver(token, body, verdict = true) {
    const url = subs.get(token)?.callback_url;
    if (!url) return; // forgotten by a reset
    // Any HTTP answer ends it, whatever its status; only an exception (refused, timeout) retries.
    for (let i = 0; i < config.callbackTries; i++) {
      stats.callbacks.attempts++;
      if (await put(url, body)) {
        stats.callbacks.answered++;
        if (verdict) seen(token);
        return;
      }
      stats.callbacks.failed++;
    }
  }
  function put(url, body) {
    return new Promise((resolve) => {
      let req;
      try {
        req = http.request(url, {
          method: 'PUT', agent: false, timeout: config.callbackTimeoutMs,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        }, (res) => { res.resume(); res.on('end', () => resolve(true)); res.on('error', () => resolve(true)); });
      } catch {
        resolve(false);
        return;
      }
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(false));
      req.end(body);
    });
  }

  // --- HTTP ---------------------------------------------------------------------------------
  function serialize(sub, fields, base64) {
    const out = {};
    for (const f of ALL_FIELDS) {
      if (!fields.includes(f)) continue;
      if (f === 'status') out.status = { id: sub.status_id, description: STATUSES[sub.status_id] };
      else if (f === 'language') out.language = LANGUAGES.find((l) => l.id === sub.language_id) ?? null;
      else if (TEXT_FIELDS.has(f) && base64 && sub[f] != null) out[f] = encode64(sub[f]);
      else out[f] = sub[f] ?? null;
    }
    return out;
  }
  function requestedFields(url) {
    const text = url.searchParams.get('fields');
    if (!text) return { fields: DEFAULT_FIELDS };
    if (text === '*') return { fields: ALL_FIELDS };
    const fields = text.split(',');
    const bad = fields.filter((f) => !ALL_FIELDS.includes(f));
    return bad.length ? { error: `invalid fields: [${bad.join(', ')}]` } : { fields };
  }

  function create(url, req, raw) {
    const base64 = url.searchParams.get('base64_encoded') === 'true';
    if (url.searchParams.get('wait') === 'true') return [400, { error: 'wait=true is not supported by this stand-in' }];
    if (queue.length + 1 > config.maxQueue) { stats.refused++; return [503, { error: 'queue is full' }]; }
    let body = {};
    // Rails parses a JSON body only when it is declared as one (#70).
    if (String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      try {
        body = JSON.parse(raw);
      } catch {
        return [400, { error: 'malformed JSON body' }];
      }
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) body = {};
    const errors = {};
    const languageId = Number(body.language_id);
    if (body.source_code == null || body.source_code === '') errors.source_code = ["can't be blank"];
    if (!LANGUAGES.some((l) => l.id === languageId)) {
      errors.language_id = [...(body.language_id == null ? ["can't be blank"] : []), `language with id ${body.language_id ?? ''} doesn't exist`];
    }
    if (Object.keys(errors).length) return [422, errors];
    const text = (k) => (body[k] == null ? null : base64 ? decode64(body[k]) : String(body[k]));
    const token = randomUUID();
    const sub = { token, language_id: languageId, status_id: 1, created_at: new Date().toISOString(), finished_at: null };
    for (const k of ['source_code', 'stdin', 'expected_output']) sub[k] = text(k);
    for (const [k, v] of Object.entries(LIMIT_DEFAULTS)) sub[k] = body[k] ?? v;
    for (const k of ['compiler_options', 'command_line_arguments', 'callback_url', 'additional_files']) sub[k] = body[k] ?? null;
    sub.redirect_stderr_to_stdout = body.redirect_stderr_to_stdout ?? false;
    sub.enable_network = body.enable_network ?? false;
    subs.set(token, sub);
    jobs.set(token, { created: now() });
    stats.created++;
    queue.push(token);
    startNext();
    return [201, { token }];
  }

  function show(url, req, token) {
    stats.polls++;
    const { fields, error } = requestedFields(url);
    if (error) return [400, { error }];
    const sub = subs.get(token);
    if (!sub) {
      // Rails' RecordNotFound: a JSON body only for a client that asks for JSON.
      return String(req.headers.accept ?? '').includes('application/json') ? [404, { status: 404, error: 'Not Found' }] : [404, ''];
    }
    let snapshot = { ...sub };
    if (config.cacheMs > 0) {
      const hit = cache.get(token);
      if (hit && now() < hit.until) {
        stats.cacheHits++;
        snapshot = hit.snapshot;
      } else {
        cache.set(token, { until: now() + config.cacheMs, snapshot });
      }
    }
    if (snapshot.status_id >= 3) seen(token);
    return [200, serialize(snapshot, fields, url.searchParams.get('base64_encoded') === 'true')];
  }

  function dev(method, path, raw) {
    const json = () => {
      try {
        return JSON.parse(raw);
      } catch {
        return undefined;
      }
    };
    if (path === '/dev/stats' && method === 'GET') {
      return [200, { ...stats, callbacks: { ...stats.callbacks }, busy, queued: queue.length, held: held.length }];
    }
    if (path === '/dev/faults') {
      if (method === 'GET') return [200, { faults }];
      if (method === 'DELETE') { const removed = faults.length; faults = []; return [200, { ok: true, removed }]; }
      if (method === 'POST') {
        const { fault, error } = parseFault(json());
        if (error) return [400, { error: `invalid fault: ${error}` }];
        faults.push(fault);
        return [200, { ok: true, fault }];
      }
    }
    if (path === '/dev/config') {
      if (method === 'GET') return [200, config];
      if (method === 'POST') {
        const error = set(json());
        return error ? [400, { error }] : [200, config];
      }
    }
    if (path === '/dev/reset' && method === 'POST') { reset(); return [200, { ok: true }]; }
    if (path === '/dev/disconnect' && method === 'POST') {
      // Every keep-alive connection is closed once this answer is out: the client's next request
      // on a pooled connection fails before it is answered.
      return [200, { ok: true }, () => server.closeAllConnections()];
    }
    return [404, { error: 'not found' }];
  }

  /** Changes workers, latencyMs, cacheMs, maxQueue or hold at run time; returns an error text or undefined. */
  function set(patch) {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return 'the config is a JSON object';
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'hold' ? typeof v !== 'boolean' : !(k in DEFAULTS && Number.isInteger(v) && v >= 0)) return `bad config key or value: ${k}`;
    }
    Object.assign(config, patch);
    if (!config.hold) {
      const ended = held;
      held = [];
      for (const token of ended) runEnded(token);
    }
    startNext();
    return undefined;
  }

  function reset() {
    subs.clear();
    jobs.clear();
    cache.clear();
    queue = [];
    held = [];
    busy = 0;
    faults = [];
    stats = emptyStats();
    Object.assign(config, start, { hold: false });
  }

  async function route(req, raw) {
    const url = new URL(req.url, 'http://judge0');
    const path = url.pathname;
    if (path.startsWith('/dev/')) return dev(req.method, path, raw);
    const on = req.method === 'POST' && path === '/submissions' ? 'create'
      : req.method === 'GET' && /^\/submissions\/[^/]+$/.test(path) ? 'poll' : undefined;
    const fault = on && takeFault(on);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.reset) return undefined;
    if (fault?.status !== undefined) return [fault.status, fault.body ?? { error: 'injected fault' }];
    if (on === 'create') return create(url, req, raw);
    if (on === 'poll') return show(url, req, decodeURIComponent(path.slice('/submissions/'.length)));
    if (req.method === 'GET' && path === '/') return [200, ''];
    if (req.method === 'GET' && path === '/languages') return [200, [...LANGUAGES].sort((a, b) => a.name.localeCompare(b.name))];
    return [404, String(req.headers.accept ?? '').includes('application/json') ? { status: 404, error: 'Not Found' } : ''];
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      route(req, Buffer.concat(chunks).toString('utf8')).then((out) => {
        if (out === undefined) { req.socket.destroy(); return; }
        const [status, body, after] = out;
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        const headers = { 'Content-Length': Buffer.byteLength(text) };
        if (typeof body !== 'string') headers['Content-Type'] = 'application/json; charset=utf-8';
        res.writeHead(status, headers);
        res.end(text, after);
      }, () => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Length': 0 });
        res.end();
      });
    });
  });
  server.keepAliveTimeout = 60000;

  return {
    server,
    config,
    get stats() { return stats; },
    set(patch) {
      const error = set(patch);
      if (error) throw new Error(error);
    },
    addFault,
    clearFaults() { faults = []; },
    reset,
    /** Listens on host:port (0 picks a free port); resolves with the port. */
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => { server.off('error', reject); resolve(server.address().port); });
      });
    },
    close() {
      subs.clear(); // timers still pending find nothing to finish
      return new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = `usage: node tools/fakes/judge0.mjs [--port N] [--host H] [--workers N] [--latency-ms L]
                       [--cache-ms C] [--max-queue Q] [--fault JSON]...
  --port 0 (default) picks a free port; the first stdout line is {"msg":"listening","port":N,...}.
  --fault takes the body of POST /dev/faults, e.g. '{"on":"callback","action":"drop","always":true}'.`;

const OPTIONS = {
  port: { type: 'string', default: '0' },
  host: { type: 'string', default: '127.0.0.1' },
  workers: { type: 'string', default: String(DEFAULTS.workers) },
  'latency-ms': { type: 'string', default: String(DEFAULTS.latencyMs) },
  'cache-ms': { type: 'string', default: String(DEFAULTS.cacheMs) },
  'max-queue': { type: 'string', default: String(DEFAULTS.maxQueue) },
  fault: { type: 'string', multiple: true, default: [] },
  help: { type: 'boolean', default: false },
};

async function main(argv) {
  const die = (msg) => {
    process.stderr.write(`${msg}\n${USAGE}\n`);
    process.exit(2);
  };
  let values;
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true }).values;
  } catch (e) {
    die(e.message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const int = (name, min) => {
    const v = values[name];
    if (!/^[0-9]+$/.test(v) || Number(v) < min) die(`--${name} must be an integer >= ${min}`);
    return Number(v);
  };
  const opts = { workers: int('workers', 1), latencyMs: int('latency-ms', 0), cacheMs: int('cache-ms', 0), maxQueue: int('max-queue', 0) };
  const port = int('port', 0);
  opts.faults = values.fault.map((text) => {
    let f;
    try {
      f = JSON.parse(text);
    } catch {
      die(`--fault is not JSON: ${text}`);
    }
    const { error } = parseFault(f);
    if (error) die(`--fault ${text}: ${error}`);
    return f;
  });
  const fake = createJudge0(opts);
  const bound = await fake.listen(port, values.host);
  process.stdout.write(`${JSON.stringify({
    msg: 'listening', port: bound, workers: opts.workers, latency_ms: opts.latencyMs, cache_ms: opts.cacheMs, max_queue: opts.maxQueue,
  })}\n`);
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => fake.close().then(() => process.exit(0)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`judge0 stand-in: ${e.stack ?? e}\n`);
    process.exit(1);
  });
}
