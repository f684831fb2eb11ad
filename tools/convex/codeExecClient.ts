// code-exec client for a Convex internal action: POST /v1/judge-question.
//
// Copy this file into your Convex app (e.g. convex/lib/codeExecClient.ts). It uses only what the
// Convex runtime provides (fetch, Web Crypto, TextEncoder), no npm package and no Node API.
//
//   const outcome = await judgeQuestion(
//     { baseUrl: process.env.CODE_EXEC_URL!, apiKey: process.env.CODE_EXEC_KEY!,
//       signingSecret: process.env.CODE_EXEC_SIGNING_SECRET },
//     { questionId, submissionId, languageId, sourceCode, submissionKind, userId },
//   );
//   if (outcome.kind === "error") { /* mark the submission "error" with outcome.message */ }
//
// 202 → { kind: "queued" }. 429, 502, 503, network errors and timeouts are retried with
// exponential backoff and full jitter, honouring Retry-After, up to `maxAttempts` attempts in
// total; any other answer (400, 401, 413, 415, ...) is final and not retried.

export type SubmissionKind = "standard" | "personalized";

export interface CodeExecClientOptions {
  /** code-exec base URL, e.g. "https://code-exec.example.com" (a trailing slash is ignored). */
  baseUrl: string;
  /** One of the service's CODE_EXEC_API_KEYS; sent as X-Code-Exec-Key. */
  apiKey: string;
  /** One of the service's CODE_EXEC_SIGNING_SECRETS; when set, every request is signed. */
  signingSecret?: string;
  /** Attempts in total, the first included (default 4). */
  maxAttempts?: number;
  /** First backoff step in ms (default 500); step n is baseDelayMs * 2^(n-1), capped. */
  baseDelayMs?: number;
  /** Cap of one backoff step in ms (default 8000). */
  maxDelayMs?: number;
  /**
   * Longest Retry-After honoured by sleeping, in ms (default 30000). A longer one ends the call
   * with a retryable error carrying `retryAfterMs`, so the caller can reschedule
   * (ctx.scheduler.runAfter) instead of holding the action.
   */
  maxRetryAfterMs?: number;
  /** Timeout of one attempt in ms (default 15000; code-exec waits up to CONVEX_TIMEOUT_MS for Convex). */
  timeoutMs?: number;
  /** Injection points for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Current time in ms since the epoch (signing timestamps). */
  now?: () => number;
}

export interface JudgeQuestionInput {
  questionId: string;
  submissionId: string;
  languageId: number;
  sourceCode: string;
  submissionKind?: SubmissionKind;
  /** The end user (e.g. the Convex user id); sent as X-Code-Exec-Subject for per-user rate limits. */
  userId?: string;
  /** Correlation id sent as X-Request-Id and kept across retries; generated when absent. */
  requestId?: string;
}

export type JudgeQuestionOutcome =
  | {
      kind: "queued";
      submissionId: string;
      /** The id code-exec logs this request under. */
      requestId: string;
      /** The submission was already being judged; it is not run twice. */
      duplicate: boolean;
      attempts: number;
    }
  | {
      kind: "error";
      /** HTTP status of the last answer; null after a network error or timeout. */
      status: number | null;
      message: string;
      /** True when trying again later may succeed (429, 502, 503, network). */
      retryable: boolean;
      /** Set when the service asked to wait longer than maxRetryAfterMs. */
      retryAfterMs?: number;
      requestId: string;
      attempts: number;
      /** The parsed JSON answer, when there was one. */
      body?: unknown;
    };

const RETRYABLE_STATUSES = new Set([429, 502, 503]);
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

const encoder = new TextEncoder();

function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>` over the UTF-8 bytes. */
export async function signPayload(secret: string, timestamp: string, body: string | Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const bodyBytes = typeof body === "string" ? encoder.encode(body) : body;
  const prefix = encoder.encode(`${timestamp}.`);
  const data = new Uint8Array(prefix.length + bodyBytes.length);
  data.set(prefix, 0);
  data.set(bodyBytes, prefix.length);
  const mac = await crypto.subtle.sign("HMAC", key, data);
  return `v1=${toHex(new Uint8Array(mac))}`;
}

function newRequestId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unusable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Full-jitter exponential backoff: random in [0, min(maxDelay, base * 2^(attempt-1))). */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

async function readJson(res: Response): Promise<unknown> {
  try {
    return JSON.parse(await res.text());
  } catch {
    return undefined;
  }
}

function messageOf(body: unknown, status: number): string {
  if (body && typeof body === "object" && typeof (body as { message?: unknown }).message === "string") {
    return (body as { message: string }).message;
  }
  return `code-exec answered HTTP ${status}`;
}

/** POSTs one submission to code-exec; see the file comment for the outcome mapping. */
export async function judgeQuestion(
  options: CodeExecClientOptions,
  input: JudgeQuestionInput,
): Promise<JudgeQuestionOutcome> {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 8000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30000;
  const timeoutMs = options.timeoutMs ?? 15000;
  const url = `${options.baseUrl.replace(/\/+$/, "")}/v1/judge-question`;
  const requestId = input.requestId && REQUEST_ID_RE.test(input.requestId) ? input.requestId : newRequestId();

  const payload: Record<string, unknown> = {
    questionId: input.questionId,
    submissionId: input.submissionId,
    languageId: input.languageId,
    sourceCode: input.sourceCode,
  };
  if (input.submissionKind) payload.submissionKind = input.submissionKind;
  // The exact bytes that are sent are the bytes that are signed.
  const body = JSON.stringify(payload);

  let last: Extract<JudgeQuestionOutcome, { kind: "error" }> = {
    kind: "error",
    status: null,
    message: "not attempted",
    retryable: true,
    requestId,
    attempts: 0,
  };
  let lastStamp = -Infinity;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "X-Code-Exec-Key": options.apiKey,
      "X-Request-Id": requestId,
    };
    if (input.userId) headers["X-Code-Exec-Subject"] = input.userId;
    if (options.signingSecret) {
      // code-exec accepts a signature once: a retry within the same second signs the next second
      // (a second ahead of the clock is well inside the tolerance).
      lastStamp = Math.max(Math.floor(now() / 1000), lastStamp + 1);
      const ts = String(lastStamp);
      headers["X-Code-Exec-Timestamp"] = ts;
      headers["X-Code-Exec-Signature"] = await signPayload(options.signingSecret, ts, body);
    }

    let retryAfterMs: number | undefined;
    try {
      const res = await doFetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
      const json = await readJson(res);
      if (res.status === 202) {
        const o = (json ?? {}) as { submissionId?: unknown; details?: { requestId?: unknown; duplicate?: unknown } };
        return {
          kind: "queued",
          submissionId: typeof o.submissionId === "string" ? o.submissionId : input.submissionId,
          requestId: typeof o.details?.requestId === "string" ? o.details.requestId : requestId,
          duplicate: o.details?.duplicate === true,
          attempts: attempt,
        };
      }
      const retryable = RETRYABLE_STATUSES.has(res.status);
      last = { kind: "error", status: res.status, message: messageOf(json, res.status), retryable, requestId, attempts: attempt, body: json };
      if (!retryable) return last;
      retryAfterMs = parseRetryAfter(res.headers.get("Retry-After"), now());
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
      last = {
        kind: "error",
        status: null,
        message: timedOut ? `code-exec did not answer within ${timeoutMs} ms` : `code-exec unreachable: ${String(e)}`,
        retryable: true,
        requestId,
        attempts: attempt,
      };
    }

    if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) return { ...last, retryAfterMs };
    if (attempt === maxAttempts) break;
    await sleep(retryAfterMs ?? backoffDelay(attempt, baseDelayMs, maxDelayMs, random));
  }
  return last;
}
