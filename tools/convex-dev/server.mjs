#!/usr/bin/env node
// Convex stand-in for developing and testing code-exec (contract §1 "Convex callbacks", §2.3).
// Node.js 20, built-ins only. Not a production server: state lives in memory.
//
//   node tools/convex-dev/server.mjs --port 0 --data tools/samples/problems.json [--secret S]
//
// See tools/convex-dev/README.md for the routes, the dev API and the fault injection.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const DEFAULT_TOLERANCE_S = 300;
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
// Per kind. More than a load run (tools/bench) posts; a client past it only evicts old keys.
export const DEFAULT_MAX_IDEMPOTENCY_KEYS = 100_000;

const CODING_ROUTES = {
  '/coding/testcases': { kind: 'standard', op: 'testcases' },
  '/coding/personalized-testcases': { kind: 'personalized', op: 'testcases' },
  '/coding/submission-running': { kind: 'standard', op: 'running' },
  '/coding/personalized-submission-running': { kind: 'personalized', op: 'running' },
  '/coding/submission-result': { kind: 'standard', op: 'result' },
  '/coding/personalized-submission-result': { kind: 'personalized', op: 'result' },
};

const RESULT_STATUSES = new Set(['passed', 'failed', 'error']);
const RESULT_KEYS = new Set([
  'submissionId', 'status', 'passedCount', 'totalCount', 'firstFailureIndex', 'firstFailure',
  'stderr', 'compileOutput', 'durationMs',
]);
const FIRST_FAILURE_KEYS = new Set(['stdin', 'actualOutput', 'expectedOutput', 'errorMessage']);

// ---------------------------------------------------------------------------------------------
// Signing (contract §2.3): X-Code-Exec-Signature: v1=<hex HMAC-SHA256(secret, ts + "." + raw body)>

function hmacBytes(secret, timestamp, rawBody) {
  const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody ?? '', 'utf8');
  return crypto.createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(`${timestamp}.`, 'utf8'))
    .update(body)
    .digest();
}

/** The header value `v1=<hex>` for a body (string as UTF-8, or Buffer as raw bytes). */
export function computeSignature(secret, timestamp, rawBody) {
  return `v1=${hmacBytes(secret, String(timestamp), rawBody).toString('hex')}`;
}

/**
 * Verifies the two signing headers against any of `secrets`.
 * Returns {ok:true} or {ok:false, reason}; the reason names no secret and no body.
 */
export function verifySignature({
  secrets, timestamp, signature, rawBody, nowSeconds, toleranceS = DEFAULT_TOLERANCE_S,
}) {
  if (typeof timestamp !== 'string' || timestamp === '') return { ok: false, reason: 'missing timestamp' };
  if (!/^[0-9]{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const skew = Math.abs(nowSeconds - Number(timestamp));
  if (skew > toleranceS) return { ok: false, reason: 'timestamp outside tolerance' };
  if (typeof signature !== 'string' || signature === '') return { ok: false, reason: 'missing signature' };
  const m = /^v1=([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!m) return { ok: false, reason: 'malformed signature' };
  const given = Buffer.from(m[1], 'hex');
  let matched = false;
  // Every secret is checked (no early exit) so timing does not reveal which one matched.
  for (const secret of secrets) {
    const expected = hmacBytes(secret, timestamp, rawBody);
    if (crypto.timingSafeEqual(expected, given)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}

// ---------------------------------------------------------------------------------------------
// Problem data

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Issues of one question object as used in problems.json (and POST /dev/questions). */
export function validateQuestion(q, where = 'question') {
  const issues = [];
  const need = (cond, path, message) => { if (!cond) issues.push({ path: `${where}${path}`, message }); };
  if (!isPlainObject(q)) return [{ path: where, message: 'must be an object' }];
  need(typeof q._id === 'string' && q._id !== '', '._id', 'must be a non-empty string');
  need(typeof q.timeLimitSeconds === 'number' && q.timeLimitSeconds > 0, '.timeLimitSeconds', 'must be a number > 0');
  need(typeof q.memoryLimitMb === 'number' && q.memoryLimitMb > 0, '.memoryLimitMb', 'must be a number > 0');
  if (!isPlainObject(q.outputComparison)) {
    issues.push({ path: `${where}.outputComparison`, message: 'must be an object' });
  } else {
    for (const k of ['trimOutputs', 'normalizeWhitespace', 'caseSensitive']) {
      need(typeof q.outputComparison[k] === 'boolean', `.outputComparison.${k}`, 'must be a boolean');
    }
  }
  if (!Array.isArray(q.testCases)) {
    issues.push({ path: `${where}.testCases`, message: 'must be an array' });
  } else {
    const ids = new Set();
    q.testCases.forEach((tc, i) => {
      const p = `.testCases[${i}]`;
      if (!isPlainObject(tc)) { issues.push({ path: `${where}${p}`, message: 'must be an object' }); return; }
      need(typeof tc._id === 'string' && tc._id !== '', `${p}._id`, 'must be a non-empty string');
      need(!ids.has(tc._id), `${p}._id`, 'must be unique');
      ids.add(tc._id);
      need(tc.visibility === 'public' || tc.visibility === 'hidden', `${p}.visibility`, 'must be "public" or "hidden"');
      need(typeof tc.stdin === 'string', `${p}.stdin`, 'must be a string');
      need(typeof tc.expectedStdout === 'string', `${p}.expectedStdout`, 'must be a string');
      need(tc.name === undefined || typeof tc.name === 'string', `${p}.name`, 'must be a string when present');
      need(typeof tc.order === 'number' && Number.isFinite(tc.order), `${p}.order`, 'must be a number');
    });
  }
  return issues;
}

/** Reads problems.json: {"questions":[question…]} → Map(_id → question). Throws with every issue. */
export function loadProblems(file) {
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!isPlainObject(data) || !Array.isArray(data.questions)) {
    throw new Error(`${file}: expected {"questions":[...]}`);
  }
  const issues = [];
  const questions = new Map();
  data.questions.forEach((q, i) => {
    issues.push(...validateQuestion(q, `questions[${i}]`));
    if (isPlainObject(q) && questions.has(q._id)) issues.push({ path: `questions[${i}]._id`, message: 'duplicate id' });
    if (isPlainObject(q)) questions.set(q._id, q);
  });
  if (issues.length) {
    throw new Error(`${file}: ${issues.map((x) => `${x.path} ${x.message}`).join('; ')}`);
  }
  return questions;
}

/** The 200 body of the testcases route: the question without its testcases, testcases by order. */
export function testcasesResponse(question) {
  const { testCases, ...rest } = question;
  const sorted = testCases
    .map((tc, i) => ({ tc, i }))
    .sort((a, b) => (a.tc.order - b.tc.order) || (a.i - b.i))
    .map(({ tc }) => ({ ...tc }));
  return { question: rest, testCases: sorted };
}

// ---------------------------------------------------------------------------------------------
// Result payload checks

/** Shape of a final result (contract §1): these are what a Convex validator would reject. */
export function validateResult(body) {
  const issues = [];
  const add = (path, message) => issues.push({ path, message });
  if (!isPlainObject(body)) return [{ path: '', message: 'must be a JSON object' }];
  for (const [k, v] of Object.entries(body)) {
    if (!RESULT_KEYS.has(k)) add(k, 'unknown field');
    else if (v === null) add(k, 'must be omitted, not null');
  }
  const nonNegInt = (v) => Number.isInteger(v) && v >= 0;
  if (!(typeof body.submissionId === 'string' && body.submissionId !== '')) add('submissionId', 'must be a non-empty string');
  if (!RESULT_STATUSES.has(body.status)) add('status', 'must be "passed", "failed" or "error"');
  if (!nonNegInt(body.passedCount)) add('passedCount', 'must be an integer >= 0');
  if (!nonNegInt(body.totalCount)) add('totalCount', 'must be an integer >= 0');
  if (!(typeof body.durationMs === 'number' && Number.isFinite(body.durationMs) && body.durationMs >= 0)) {
    add('durationMs', 'must be a number >= 0');
  }
  if (body.firstFailureIndex !== undefined && body.firstFailureIndex !== null && !nonNegInt(body.firstFailureIndex)) {
    add('firstFailureIndex', 'must be an integer >= 0');
  }
  for (const k of ['stderr', 'compileOutput']) {
    if (body[k] !== undefined && body[k] !== null && typeof body[k] !== 'string') add(k, 'must be a string');
  }
  if (body.firstFailure !== undefined && body.firstFailure !== null) {
    if (!isPlainObject(body.firstFailure)) {
      add('firstFailure', 'must be an object');
    } else {
      for (const [k, v] of Object.entries(body.firstFailure)) {
        if (!FIRST_FAILURE_KEYS.has(k)) add(`firstFailure.${k}`, 'unknown field');
        else if (v === null) add(`firstFailure.${k}`, 'must be omitted, not null');
        else if (typeof v !== 'string') add(`firstFailure.${k}`, 'must be a string');
      }
    }
  }
  return issues;
}

/**
 * Rules of contract §1/§5 that a well-formed result can still break. They are recorded on the
 * submission (GET /submissions/{id} → contractIssues) rather than rejected, as Convex would not
 * check them; tests of code-exec assert the list is empty.
 */
export function checkResultContract(result, question) {
  const issues = [];
  const ff = isPlainObject(result.firstFailure) ? result.firstFailure : undefined;
  const hasMessage = ff && typeof ff.errorMessage === 'string' && ff.errorMessage.trim() !== '';
  if (result.passedCount > result.totalCount) issues.push('passedCount exceeds totalCount');
  if (result.status === 'passed') {
    if (result.passedCount !== result.totalCount) issues.push('passed but passedCount != totalCount');
    if (result.firstFailureIndex !== undefined) issues.push('passed but firstFailureIndex present');
    if (ff) issues.push('passed but firstFailure present');
  } else if (result.status === 'failed') {
    if (result.firstFailureIndex === undefined) issues.push('failed without firstFailureIndex');
    else if (result.passedCount !== result.firstFailureIndex) issues.push('passedCount != firstFailureIndex (testcases stop at the first failure)');
    if (!hasMessage) issues.push('failed without firstFailure.errorMessage');
  } else if (result.status === 'error') {
    if (!hasMessage) issues.push('error without firstFailure.errorMessage');
  }
  if (question && Array.isArray(question.testCases)) {
    const n = question.testCases.length;
    if (result.status !== 'error' && result.totalCount !== n) {
      issues.push(`totalCount ${result.totalCount} != ${n} testcases of question ${question._id}`);
    }
    const idx = result.firstFailureIndex;
    if (Number.isInteger(idx)) {
      if (idx >= n) {
        issues.push(`firstFailureIndex ${idx} out of range (${n} testcases)`);
      } else {
        const tc = testcasesResponse(question).testCases[idx];
        if (tc.visibility === 'hidden' && ff && (ff.stdin !== undefined || ff.expectedOutput !== undefined)) {
          issues.push('hidden testcase revealed in firstFailure (stdin or expectedOutput)');
        }
      }
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Fault injection

/** Validates POST /dev/faults; returns {fault} or {issues}. */
export function parseFault(body) {
  const issues = [];
  if (!isPlainObject(body)) return { issues: [{ path: '', message: 'must be a JSON object' }] };
  const { route, status, count = 1, delayMs = 0, reset = false, retryAfter } = body;
  if (!(typeof route === 'string' && route.startsWith('/') && !route.startsWith('/dev/'))) {
    issues.push({ path: 'route', message: 'must be a path starting with "/" outside /dev/' });
  }
  if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
    issues.push({ path: 'status', message: 'must be an integer 100..599' });
  }
  if (!(Number.isInteger(count) && count > 0)) issues.push({ path: 'count', message: 'must be an integer > 0' });
  if (!(Number.isInteger(delayMs) && delayMs >= 0 && delayMs <= 600000)) {
    issues.push({ path: 'delayMs', message: 'must be an integer 0..600000' });
  }
  if (typeof reset !== 'boolean') issues.push({ path: 'reset', message: 'must be a boolean' });
  if (retryAfter !== undefined && !(Number.isInteger(retryAfter) && retryAfter >= 0)) {
    issues.push({ path: 'retryAfter', message: 'must be an integer >= 0 (seconds)' });
  }
  if (status === undefined && delayMs === 0 && !reset) {
    issues.push({ path: '', message: 'give at least one of status, delayMs > 0, reset' });
  }
  if (body.body !== undefined && status === undefined) {
    issues.push({ path: 'body', message: 'needs a status' });
  }
  if (issues.length) return { issues };
  const fault = { route, count, delayMs, reset };
  if (status !== undefined) fault.status = status;
  if (retryAfter !== undefined) fault.retryAfter = retryAfter;
  if (body.body !== undefined) fault.body = body.body;
  return { fault };
}

// ---------------------------------------------------------------------------------------------
// The server

class HttpError extends Error {
  constructor(status, body, headers = {}) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

function emptyStats() {
  return { requests: {}, testcaseFetches: {}, results: { passed: 0, failed: 0, error: 0 }, lastResultAt: null, failures: {} };
}

/**
 * Creates the stand-in. Options: dataFile, questions (Map, overrides dataFile), secrets (string[]),
 * toleranceS, maxBodyBytes, lenient (record result-shape issues instead of answering 400),
 * maxIdempotencyKeys (per kind; the oldest is forgotten past it), now (() => ms, injectable
 * clock), log (line => void), quiet (log only warn lines).
 */
export function createConvexDev(options = {}) {
  const secrets = (options.secrets ?? []).filter((s) => s !== '');
  const toleranceS = options.toleranceS ?? DEFAULT_TOLERANCE_S;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const lenient = options.lenient ?? false;
  const now = options.now ?? (() => Date.now());
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const quiet = options.quiet ?? false;
  const maxKeys = options.maxIdempotencyKeys ?? DEFAULT_MAX_IDEMPOTENCY_KEYS;
  const loadQuestions = () => new Map(options.questions ?? (options.dataFile ? loadProblems(options.dataFile) : []));

  const state = {
    questions: loadQuestions(),
    submissions: new Map(), // submissionId → record
    // Digests of applied Idempotency-Keys in insertion order, so a key of any length costs the
    // same and the oldest is the one evicted.
    idempotencyKeys: { standard: new Set(), personalized: new Set() },
    faults: [], // FIFO; the first fault whose route matches applies
    stats: emptyStats(),
  };

  const iso = () => new Date(now()).toISOString();

  function logLine(fields) {
    const level = fields.contract_issues || (fields.status >= 400 && !fields.fault) ? 'warn' : 'info';
    if (quiet && level === 'info') return;
    log(JSON.stringify({ ts: iso(), level, ...fields }));
  }

  function publicSubmission(s) {
    return {
      submissionId: s.submissionId,
      status: s.status,
      kind: s.kind,
      ...(s.questionId !== undefined ? { questionId: s.questionId } : {}),
      history: s.history.map((h) => ({ ...h })),
      result: s.result,
      resultDeliveries: s.resultDeliveries,
      duplicates: s.duplicates,
      contractIssues: [...s.contractIssues],
    };
  }

  function transition(s, status) {
    s.status = status;
    s.history.push({ status, at: iso() });
  }

  function newSubmission(submissionId, kind, questionId) {
    const s = {
      submissionId, kind, questionId, status: undefined, history: [], result: null,
      resultDeliveries: 0, duplicates: 0, contractIssues: [],
    };
    state.submissions.set(submissionId, s);
    return s;
  }

  /** The submission for a callback; created on first sight. A callback on the other kind's route is a 409. */
  function submissionForCallback(submissionId, kind, ctx) {
    let s = state.submissions.get(submissionId);
    if (!s) {
      s = newSubmission(submissionId, kind, undefined);
      ctx.created = true;
    } else if (s.kind !== kind) {
      s.contractIssues.push(`${kind} callback for a ${s.kind} submission`);
      throw new HttpError(409, { error: 'submission kind mismatch', expectedKind: s.kind });
    }
    return s;
  }

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (c) => {
        size += c.length;
        if (size > maxBodyBytes) tooLarge = true;
        else chunks.push(c);
      });
      req.on('end', () => (tooLarge
        ? reject(new HttpError(413, { error: 'body too large', maxBytes: maxBodyBytes }))
        : resolve(Buffer.concat(chunks))));
      req.on('error', reject);
    });
  }

  function parseJsonBody(req, raw) {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') throw new HttpError(415, { error: 'content type must be application/json' });
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, { error: 'invalid JSON' });
    }
  }

  const keyDigest = (key) => crypto.createHash('sha256').update(key, 'utf8').digest('base64');

  function rememberKey(kind, key) {
    const keys = state.idempotencyKeys[kind];
    keys.add(keyDigest(key));
    if (keys.size > maxKeys) keys.delete(keys.values().next().value);
  }

  function takeFault(path) {
    const i = state.faults.findIndex((f) => f.route === path);
    if (i < 0) return undefined;
    const f = state.faults[i];
    f.count -= 1;
    if (f.count <= 0) state.faults.splice(i, 1);
    return f;
  }

  // What a load run asks: how many results of each status, when the last one came, and why the
  // ones that did not pass failed.
  function countResult(body) {
    const status = RESULT_STATUSES.has(body.status) ? body.status : 'error';
    state.stats.results[status] += 1;
    state.stats.lastResultAt = now();
    if (status !== 'passed') {
      const why = `${status}: ${body.firstFailure?.errorMessage ?? ''}`;
      state.stats.failures[why] = (state.stats.failures[why] ?? 0) + 1;
    }
  }

  // --- /coding/* ------------------------------------------------------------------------------

  function coding(route, req, raw, ctx) {
    if (secrets.length) {
      const v = verifySignature({
        secrets,
        timestamp: req.headers['x-code-exec-timestamp'],
        signature: req.headers['x-code-exec-signature'],
        rawBody: raw,
        nowSeconds: Math.floor(now() / 1000),
        toleranceS,
      });
      if (!v.ok) {
        ctx.reason = v.reason;
        throw new HttpError(401, { error: 'bad signature' });
      }
    }
    const body = parseJsonBody(req, raw);
    if (!isPlainObject(body)) throw new HttpError(400, { error: 'body must be a JSON object' });

    if (route.op === 'testcases') {
      const { questionId } = body;
      if (typeof questionId !== 'string' || questionId === '') throw new HttpError(400, { error: 'questionId required' });
      ctx.question_id = questionId;
      const q = state.questions.get(questionId);
      if (!q) throw new HttpError(404, { error: 'question not found' });
      state.stats.testcaseFetches[questionId] = (state.stats.testcaseFetches[questionId] ?? 0) + 1;
      return [200, testcasesResponse(q)];
    }

    if (route.op === 'running') {
      const { submissionId } = body;
      if (typeof submissionId !== 'string' || submissionId === '') throw new HttpError(400, { error: 'submissionId required' });
      ctx.submission_id = submissionId;
      const s = submissionForCallback(submissionId, route.kind, ctx);
      // A redelivered submission (at-least-once: its pod died after posting the result) is run
      // again and says "running" again; the result stands, as the rerun's result is dropped.
      if (RESULT_STATUSES.has(s.status)) ctx.after_result = true;
      else transition(s, 'running');
      return [200, { ok: true }];
    }

    // route.op === 'result'
    const key = req.headers['idempotency-key'];
    if (typeof body.submissionId === 'string') ctx.submission_id = body.submissionId;
    // The first result applied wins: a repeated key is dropped whatever its body says.
    if (typeof key === 'string' && key !== '' && state.idempotencyKeys[route.kind].has(keyDigest(key))) {
      const dup = state.submissions.get(key);
      if (dup) dup.duplicates += 1;
      ctx.duplicate = true;
      return [200, { ok: true, duplicate: true }];
    }
    const shape = validateResult(body);
    if (shape.length && !lenient) throw new HttpError(400, { error: 'invalid result', issues: shape });
    if (typeof body.submissionId !== 'string' || body.submissionId === '') {
      throw new HttpError(400, { error: 'invalid result', issues: shape });
    }
    const s = submissionForCallback(body.submissionId, route.kind, ctx);
    const issues = shape.map((x) => `result.${x.path}: ${x.message}`);
    if (s.status === 'passed' || s.status === 'failed' || s.status === 'error') {
      issues.push('a second terminal result was accepted without a new running callback in between');
    }
    if (typeof key !== 'string' || key === '') issues.push('result callback without Idempotency-Key');
    else if (key !== body.submissionId) issues.push('Idempotency-Key differs from submissionId');
    if (!shape.length) {
      issues.push(...checkResultContract(body, s.questionId !== undefined ? state.questions.get(s.questionId) : undefined));
    }
    s.contractIssues.push(...issues);
    if (issues.length) ctx.contract_issues = issues.length;
    s.result = body;
    s.resultDeliveries += 1;
    countResult(body);
    transition(s, RESULT_STATUSES.has(body.status) ? body.status : 'error');
    if (typeof key === 'string' && key !== '') rememberKey(route.kind, key);
    return [200, { ok: true }];
  }

  // --- /dev/* and inspection ------------------------------------------------------------------

  function dev(method, path, req, raw, ctx) {
    const allow = (...methods) => {
      if (!methods.includes(method)) throw new HttpError(405, { error: 'method not allowed' }, { Allow: methods.join(', ') });
    };
    if (path === '/dev/faults') {
      allow('GET', 'POST', 'DELETE');
      if (method === 'GET') return [200, { faults: state.faults.map((f) => ({ ...f })) }];
      if (method === 'DELETE') {
        const removed = state.faults.length;
        state.faults = [];
        return [200, { ok: true, removed }];
      }
      const { fault, issues } = parseFault(parseJsonBody(req, raw));
      if (issues) throw new HttpError(400, { error: 'invalid fault', issues });
      state.faults.push(fault);
      return [200, { ok: true, fault }];
    }
    if (path === '/dev/submissions') {
      allow('POST');
      const body = parseJsonBody(req, raw);
      const { submissionId, questionId, submissionKind = 'standard' } = isPlainObject(body) ? body : {};
      if (typeof submissionId !== 'string' || submissionId === '') throw new HttpError(400, { error: 'submissionId required' });
      if (questionId !== undefined && typeof questionId !== 'string') throw new HttpError(400, { error: 'questionId must be a string' });
      if (submissionKind !== 'standard' && submissionKind !== 'personalized') {
        throw new HttpError(400, { error: 'submissionKind must be "standard" or "personalized"' });
      }
      ctx.submission_id = submissionId;
      // A resubmission keeps the history, as the Convex document would.
      const s = state.submissions.get(submissionId) ?? newSubmission(submissionId, submissionKind, questionId);
      s.kind = submissionKind;
      if (questionId !== undefined) s.questionId = questionId;
      transition(s, 'queued');
      return [200, { ok: true, submission: publicSubmission(s) }];
    }
    if (path === '/dev/questions') {
      allow('GET', 'POST');
      if (method === 'GET') return [200, { questions: [...state.questions.keys()] }];
      const q = parseJsonBody(req, raw);
      const issues = validateQuestion(q);
      if (issues.length) throw new HttpError(400, { error: 'invalid question', issues });
      state.questions.set(q._id, q);
      return [200, { ok: true, questionId: q._id }];
    }
    if (path === '/dev/stats') {
      allow('GET');
      return [200, state.stats];
    }
    if (path === '/dev/reset') {
      allow('POST');
      state.questions = loadQuestions();
      state.submissions.clear();
      state.idempotencyKeys.standard.clear();
      state.idempotencyKeys.personalized.clear();
      state.faults = [];
      state.stats = emptyStats();
      return [200, { ok: true }];
    }
    throw new HttpError(404, { error: 'not found' });
  }

  async function route(req, res, ctx) {
    const method = req.method;
    const path = ctx.path;
    const raw = await readBody(req);
    ctx.bytes_in = raw.length;

    const codingRoute = CODING_ROUTES[path];
    const known = codingRoute || path === '/' || path === '/submissions' || path.startsWith('/submissions/') || path.startsWith('/dev/');
    if (!known) throw new HttpError(404, { error: 'not found' });

    if (!path.startsWith('/dev/')) {
      const fault = takeFault(path);
      if (fault) {
        ctx.fault = true;
        if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault.reset) {
          ctx.reset = true;
          req.socket.destroy();
          return undefined;
        }
        if (fault.status !== undefined) {
          const headers = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
          const body = fault.body !== undefined ? fault.body : { error: 'injected fault' };
          return [fault.status, body, headers];
        }
        // Delay only: then serve normally (the caller may have given up; the work still happens).
      }
    }

    if (codingRoute) {
      if (method !== 'POST') throw new HttpError(405, { error: 'method not allowed' }, { Allow: 'POST' });
      return coding(codingRoute, req, raw, ctx);
    }
    if (path === '/') {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, { error: 'method not allowed' }, { Allow: 'GET, HEAD' });
      return [200, { ok: true }];
    }
    if (path === '/submissions') {
      if (method !== 'GET') throw new HttpError(405, { error: 'method not allowed' }, { Allow: 'GET' });
      return [200, { submissions: [...state.submissions.values()].map(publicSubmission) }];
    }
    if (path.startsWith('/submissions/')) {
      if (method !== 'GET') throw new HttpError(405, { error: 'method not allowed' }, { Allow: 'GET' });
      let id;
      try {
        id = decodeURIComponent(path.slice('/submissions/'.length));
      } catch {
        throw new HttpError(400, { error: 'malformed submission id' });
      }
      const s = state.submissions.get(id);
      if (!s) throw new HttpError(404, { error: 'submission not found' });
      return [200, publicSubmission(s)];
    }
    return dev(method, path, req, raw, ctx);
  }

  function send(req, res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const buf = Buffer.from(text, 'utf8');
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': String(buf.length),
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : buf);
    return buf.length;
  }

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    let path;
    try {
      path = new URL(req.url, 'http://localhost').pathname;
    } catch {
      path = req.url;
    }
    const ctx = { path };
    state.stats.requests[path] = (state.stats.requests[path] ?? 0) + 1;
    const finish = (status, bytesOut) => {
      const fields = {
        msg: 'request', method: req.method, path, status,
        duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
        bytes_in: ctx.bytes_in ?? 0, bytes_out: bytesOut,
      };
      if (req.headers['x-request-id']) fields.request_id = String(req.headers['x-request-id']);
      for (const k of ['submission_id', 'question_id', 'fault', 'reset', 'duplicate', 'after_result', 'created', 'reason', 'contract_issues']) {
        if (ctx[k] !== undefined) fields[k] = ctx[k];
      }
      logLine(fields);
    };
    route(req, res, ctx).then(
      (out) => {
        if (out === undefined) { finish(0, 0); return; } // connection reset by a fault
        const [status, body, headers] = out;
        finish(status, send(req, res, status, body, headers));
      },
      (err) => {
        if (err instanceof HttpError) {
          finish(err.status, send(req, res, err.status, err.body, err.headers));
          return;
        }
        ctx.reason = String(err?.message ?? err);
        if (!res.headersSent && !res.destroyed) finish(500, send(req, res, 500, { error: 'internal error' }));
        else finish(500, 0);
      },
    );
  });

  return {
    server,
    state,
    /** Listens on host:port (port 0 picks one); resolves with the bound port. */
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address().port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = `usage: node tools/convex-dev/server.mjs --data FILE [--port N] [--host H] [--secret S[,S2]]
                       [--tolerance SECONDS] [--max-body BYTES] [--max-keys N] [--lenient] [--quiet]
  --port 0 (default) picks a free port; the first stdout line is {"msg":"listening","port":N}.
  --secret may also come from the environment variable CONVEX_DEV_SECRET (comma-separated to rotate).`;

async function main(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string' },
        secret: { type: 'string' },
        tolerance: { type: 'string', default: String(DEFAULT_TOLERANCE_S) },
        'max-body': { type: 'string', default: String(DEFAULT_MAX_BODY_BYTES) },
        'max-keys': { type: 'string', default: String(DEFAULT_MAX_IDEMPOTENCY_KEYS) },
        lenient: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const int = (name, v, min, max) => {
    const n = Number(v);
    if (!/^[0-9]+$/.test(v) || n < min || n > max) {
      process.stderr.write(`--${name} must be an integer ${min}..${max}\n`);
      process.exit(2);
    }
    return n;
  };
  const port = int('port', values.port, 0, 65535);
  const toleranceS = int('tolerance', values.tolerance, 0, 86400);
  const maxBodyBytes = int('max-body', values['max-body'], 1, 1 << 30);
  const maxIdempotencyKeys = int('max-keys', values['max-keys'], 1, 1e8);
  if (!values.data) {
    process.stderr.write(`--data is required\n${USAGE}\n`);
    process.exit(2);
  }
  const secretText = values.secret ?? process.env.CONVEX_DEV_SECRET ?? '';
  const secrets = secretText.split(',').filter((s) => s !== '');

  let dev;
  try {
    dev = createConvexDev({
      dataFile: values.data, secrets, toleranceS, maxBodyBytes, maxIdempotencyKeys, lenient: values.lenient, quiet: values.quiet,
    });
  } catch (e) {
    process.stderr.write(`convex-dev: cannot load ${values.data}: ${e.message}\n`);
    process.exit(1);
  }
  const bound = await dev.listen(port, values.host);
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: bound })}\n`);
  process.stdout.write(`${JSON.stringify({
    ts: new Date().toISOString(), level: 'info', msg: 'config', host: values.host,
    questions: dev.state.questions.size, signing: secrets.length > 0, tolerance_s: toleranceS, lenient: values.lenient,
  })}\n`);

  let stopping = false;
  const stop = (signal) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write(`${JSON.stringify({ ts: new Date().toISOString(), level: 'info', msg: 'stopping', signal })}\n`);
    dev.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`convex-dev: ${e.stack ?? e}\n`);
    process.exit(1);
  });
}
