// Verifies code-exec's callbacks in Convex HTTP actions.
//
// Copy this file into your Convex app (e.g. convex/lib/verifyCallback.ts). It uses only Web APIs
// that the Convex runtime provides (Request, Response, Web Crypto, TextEncoder/TextDecoder).
//
// code-exec signs every callback when CONVEX_CALLBACK_SECRET is set:
//   X-Code-Exec-Timestamp: <unix seconds>
//   X-Code-Exec-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body bytes)>
// and sends `Idempotency-Key: <submissionId>` with the final result. Delivery is at-least-once:
// a retry after a timeout, or a rerun of a submission whose pod died after posting its result
// (the durable store), posts the result again, possibly with another body. The first one applied
// must win: drop a repeated key with applyOnce() inside the mutation that applies the result.
//
//   http.route({ path: "/coding/submission-result", method: "POST",
//     handler: httpAction(codeExecCallback({
//       secrets: () => process.env.CODE_EXEC_CALLBACK_SECRET,
//       handle: (ctx, body, info) =>
//         ctx.runMutation(internal.coding.saveResult, { key: info.idempotencyKey ?? "", result: body as any }),
//     })) });

export type VerifyFailure =
  | "no_secret" // no secret configured: fail closed
  | "missing_headers"
  | "bad_timestamp"
  | "stale_timestamp"
  | "bad_signature_format"
  | "signature_mismatch";

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: VerifyFailure };

export type Secrets = string | readonly string[] | undefined;
export type SecretsSource = Secrets | (() => Secrets);

export interface VerifyOptions {
  /**
   * The callback secret(s): a comma-separated string or a list, so secrets rotate without
   * downtime, or a function returning one (read at request time, e.g. `() => process.env.X`).
   * No secret at all refuses every request (fail closed).
   */
  secrets: SecretsSource;
  /** Accepted clock skew in seconds, either direction (default 300, as code-exec's SIGNATURE_TOLERANCE_S). */
  toleranceSeconds?: number;
  /** Current unix time in seconds (tests). */
  nowSeconds?: number;
}

const encoder = new TextEncoder();
const SIGNATURE_RE = /^v1=([0-9a-fA-F]{64})$/;

export function parseSecrets(source: SecretsSource): string[] {
  const secrets = typeof source === "function" ? source() : source;
  const list = typeof secrets === "string" ? secrets.split(",") : secrets ?? [];
  return list.map((s) => s.trim()).filter((s) => s.length > 0);
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Compares two byte strings in time that depends only on their lengths. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

async function hmac(secret: string, timestamp: string, body: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const prefix = encoder.encode(`${timestamp}.`);
  const data = new Uint8Array(prefix.length + body.length);
  data.set(prefix, 0);
  data.set(body, prefix.length);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
}

/**
 * Checks `X-Code-Exec-Timestamp` / `X-Code-Exec-Signature` over the raw body bytes. The
 * signature header may list several comma-separated `v1=` values; any match against any secret
 * is accepted. Every configured secret is tried with a constant-time comparison.
 */
export async function verifySignature(
  headers: { timestamp: string | null | undefined; signature: string | null | undefined },
  rawBody: string | Uint8Array,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const secrets = parseSecrets(options.secrets);
  if (secrets.length === 0) return { ok: false, reason: "no_secret" };
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: "missing_headers" };
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: "bad_timestamp" };
  const ts = Number(timestamp);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - ts) > tolerance) return { ok: false, reason: "stale_timestamp" };

  const given: Uint8Array[] = [];
  for (const part of signature.split(",")) {
    const m = SIGNATURE_RE.exec(part.trim());
    if (m) given.push(fromHex(m[1]));
  }
  if (given.length === 0) return { ok: false, reason: "bad_signature_format" };

  const body = typeof rawBody === "string" ? encoder.encode(rawBody) : rawBody;
  let match = false;
  for (const secret of secrets) {
    const want = await hmac(secret, timestamp, body);
    for (const g of given) match = timingSafeEqual(want, g) || match;
  }
  return match ? { ok: true, timestamp: ts } : { ok: false, reason: "signature_mismatch" };
}

/** Reads the raw body of a Request once and verifies it; returns the body text on success. */
export async function verifyRequest(
  request: Request,
  options: VerifyOptions,
): Promise<{ ok: true; timestamp: number; rawBody: string } | { ok: false; reason: VerifyFailure }> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  const result = await verifySignature(
    { timestamp: request.headers.get("X-Code-Exec-Timestamp"), signature: request.headers.get("X-Code-Exec-Signature") },
    bytes,
    options,
  );
  if (!result.ok) return result;
  return { ...result, rawBody: new TextDecoder().decode(bytes) };
}

/**
 * The Idempotency-Keys of results already applied, read and written through the `ctx.db` of the
 * mutation that applies the result (see README.md).
 */
export interface DeliveryLog {
  seen(key: string): Promise<boolean>;
  record(key: string): Promise<void>;
}

/**
 * Runs `apply` unless `key` was recorded before, then records it; resolves false for a
 * duplicate. Call it inside the one Convex mutation that applies the result: the check, the
 * write and the key then commit together or not at all, and concurrent deliveries serialise, so a
 * failure never leaves a key without its result. An empty key is never deduplicated.
 */
export async function applyOnce(log: DeliveryLog, key: string, apply: () => Promise<void> | void): Promise<boolean> {
  if (key !== "" && (await log.seen(key))) return false;
  await apply();
  if (key !== "") await log.record(key);
  return true;
}

/**
 * Remembers the Idempotency-Keys of results already applied, from the HTTP action, in mutations
 * of their own. Not atomic with your result mutation: if the action dies between `claim` and the
 * result being stored, or `release` fails, the key stays claimed and every retry is answered as a
 * duplicate, so the result is lost. Prefer applyOnce(). `claim` must be atomic (a mutation is).
 */
export interface IdempotencyStore {
  /** Records the key; resolves false when it was recorded before (a duplicate). */
  claim(key: string): Promise<boolean>;
  /** Forgets a claim whose handling failed, so code-exec's retry is applied. */
  release?(key: string): Promise<void>;
}

/** An in-memory store for tests and local development (not shared between Convex isolates). */
export function memoryIdempotencyStore(): IdempotencyStore & { keys: Set<string> } {
  const keys = new Set<string>();
  return {
    keys,
    async claim(key) {
      if (keys.has(key)) return false;
      keys.add(key);
      return true;
    },
    async release(key) {
      keys.delete(key);
    },
  };
}

export interface CallbackInfo {
  /** The Idempotency-Key header, when sent (the result callback). */
  idempotencyKey?: string;
  /** The verified signing timestamp (unix seconds). */
  timestamp: number;
  rawBody: string;
}

export interface CallbackOptions<Ctx> extends VerifyOptions {
  /** Drops repeated deliveries by Idempotency-Key before `handle` (not atomic: prefer applyOnce). */
  idempotency?: (ctx: Ctx) => IdempotencyStore;
  /**
   * Handles a verified callback. Return a Response to answer with it, or a JSON-serialisable
   * value (default `{ ok: true }`) for a 200. Throwing answers 500, which code-exec retries for
   * the result callback.
   */
  handle: (ctx: Ctx, body: unknown, info: CallbackInfo) => Promise<Response | unknown> | Response | unknown;
  /** Called with the reason of every refused request (log it; never log the secret). */
  onReject?: (reason: VerifyFailure | "invalid_json", request: Request) => void;
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: { "Content-Type": "application/json" } });
}

/**
 * Builds the body of a Convex HTTP action: `httpAction(codeExecCallback({...}))`. Refuses a bad
 * signature with 401 `{"error":"bad signature"}` (code-exec does not retry 4xx), malformed JSON
 * with 400, answers a repeated Idempotency-Key with 200 `{"ok":true,"duplicate":true}` without
 * calling `handle`, and releases the key again when `handle` fails.
 */
export function codeExecCallback<Ctx>(options: CallbackOptions<Ctx>): (ctx: Ctx, request: Request) => Promise<Response> {
  return async (ctx, request) => {
    const verified = await verifyRequest(request, options);
    if (!verified.ok) {
      options.onReject?.(verified.reason, request);
      return json(401, { error: "bad signature" });
    }
    let body: unknown;
    try {
      body = JSON.parse(verified.rawBody);
    } catch {
      options.onReject?.("invalid_json", request);
      return json(400, { error: "invalid JSON" });
    }
    const idempotencyKey = request.headers.get("Idempotency-Key") ?? undefined;
    const store = idempotencyKey !== undefined && options.idempotency ? options.idempotency(ctx) : undefined;
    if (store && idempotencyKey !== undefined && !(await store.claim(idempotencyKey))) {
      return json(200, { ok: true, duplicate: true });
    }
    const release = async () => {
      if (store && idempotencyKey !== undefined) await store.release?.(idempotencyKey);
    };
    let out: unknown;
    try {
      out = await options.handle(ctx, body, { idempotencyKey, timestamp: verified.timestamp, rawBody: verified.rawBody });
    } catch {
      await release();
      return json(500, { error: "internal error" });
    }
    if (out instanceof Response) {
      if (out.status < 200 || out.status > 299) await release();
      return out;
    }
    return json(200, out === undefined ? { ok: true } : out);
  };
}
