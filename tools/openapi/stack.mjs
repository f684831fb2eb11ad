// Starts the pieces of a local stack on loopback for tests: the real code-exec binary, the
// Convex stand-in (tools/convex-dev), judge0-lite when built, and a tiny Judge0 stub in Node.
// Used by tools/openapi/*.test.mjs and tools/convex/*.test.mjs. Node built-ins only.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const codeExecBin = process.env.CODE_EXEC_BIN || path.join(root, 'build/code-exec');
export const judge0LiteBin = process.env.JUDGE0_LITE_BIN || path.join(root, 'build/tools/judge0-lite/judge0-lite');
export const problemsFile = path.join(root, 'tools/samples/problems.json');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Children still running when this process exits (a crashed test, an uncaught error, a signal
// such as the test runner's SIGTERM) are killed, so no server outlives its test run.
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => process.exit(1));

// Spawns a process and resolves once a stdout JSON line has msg "listening" with a port.
// Keeps every stdout/stderr line in `lines` for assertions and failure messages.
function startListening(cmd, args, { env = {}, name = path.basename(cmd), timeoutMs = 15000 } = {}) {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  const lines = [];
  const exited = once(proc, 'exit').then(([code, signal]) => {
    children.delete(proc);
    return { code, signal };
  });
  const errLines = readline.createInterface({ input: proc.stderr });
  errLines.on('line', (l) => lines.push(l));
  const outLines = readline.createInterface({ input: proc.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${name} did not print a listening line within ${timeoutMs} ms:\n${lines.join('\n')}`));
    }, timeoutMs);
    let resolved = false;
    outLines.on('line', (l) => {
      lines.push(l);
      if (resolved) return;
      let o;
      try {
        o = JSON.parse(l);
      } catch {
        return;
      }
      if (o && o.msg === 'listening' && Number.isInteger(o.port)) {
        resolved = true;
        clearTimeout(timer);
        resolve({ proc, port: o.port, url: `http://127.0.0.1:${o.port}`, lines, exited, listening: o });
      }
    });
    exited.then(({ code, signal }) => {
      if (resolved) return;
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${code}, signal ${signal}) before listening:\n${lines.join('\n')}`));
    });
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function stopProcess(p, signal = 'SIGTERM', graceMs = 5000) {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return p.exited;
  p.proc.kill(signal);
  const t = setTimeout(() => p.proc.kill('SIGKILL'), graceMs);
  const r = await p.exited;
  clearTimeout(t);
  return r;
}

// A small HTTP client: never throws on status; `json` is the parsed body or undefined.
export async function request(url, { method = 'GET', headers = {}, body, timeoutMs = 30000 } = {}) {
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// --- convex-dev ----------------------------------------------------------------------------
export async function startConvexDev({ secret, data = problemsFile, extraArgs = [] } = {}) {
  const args = [path.join(root, 'tools/convex-dev/server.mjs'), '--port', '0', '--data', data, ...extraArgs];
  if (secret) args.push('--secret', secret);
  const p = await startListening(process.execPath, args, { name: 'convex-dev' });
  return {
    ...p,
    stop: () => stopProcess(p),
    submission: async (id) => (await request(`${p.url}/submissions/${encodeURIComponent(id)}`)).json,
    // Polls until the submission has a terminal status; returns the record.
    waitResult: async (id, timeoutMs = 20000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await request(`${p.url}/submissions/${encodeURIComponent(id)}`);
        if (r.status === 200 && ['passed', 'failed', 'error'].includes(r.json.status)) return r.json;
        if (Date.now() > end) throw new Error(`no result for ${id} within ${timeoutMs} ms: ${r.text}`);
        await sleep(50);
      }
    },
    fault: (f) =>
      request(`${p.url}/dev/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(f) }),
    post: (route, body, headers = {}) =>
      request(`${p.url}${route}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

// --- judge0-lite ---------------------------------------------------------------------------
export const haveJudge0Lite = () => isExecutable(judge0LiteBin);

export async function startJudge0Lite() {
  const p = await startListening(judge0LiteBin, ['--port', '0'], { name: 'judge0-lite' });
  return { ...p, stop: () => stopProcess(p) };
}

// --- Judge0 stub -----------------------------------------------------------------------------
// POST /submissions → 201 {"token"}; GET /submissions/{token} → a finished submission whose
// stdout is the literal of a one-line `print("...")` program plus "\n", else the stdin echoed;
// GET /languages → 200 []. Knobs (mutable at run time):
//   stub.failSubmits = n   the next n POSTs answer 500
//   stub.hold = true       GETs answer status 2 (Processing) until set back to false
//   stub.delayMs = ms      every POST waits first
//   stub.statusId = id     report this Judge0 status id instead of 3 (e.g. 13)
export async function startJudge0Stub() {
  const subs = new Map();
  let next = 1;
  const stub = { failSubmits: 0, hold: false, delayMs: 0, statusId: 3, submits: 0, polls: 0 };
  const descriptions = { 2: 'Processing', 3: 'Accepted', 5: 'Time Limit Exceeded', 6: 'Compilation Error', 11: 'Runtime Error (NZEC)', 13: 'Internal Error' };
  const b64 = (s) => Buffer.from(s, 'utf8').toString('base64').replace(/(.{60})/g, '$1\n');
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url, 'http://x');
    const send = (status, obj) => {
      const text = JSON.stringify(obj);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method === 'GET' && url.pathname === '/languages') return send(200, []);
    if (req.method === 'POST' && url.pathname === '/submissions') {
      stub.submits++;
      if (stub.delayMs) await sleep(stub.delayMs);
      if (stub.failSubmits > 0) {
        stub.failSubmits--;
        return send(500, { error: 'stub failure' });
      }
      let o;
      try {
        o = JSON.parse(body);
      } catch {
        return send(400, { error: 'bad json' });
      }
      const dec = (s) => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : '');
      const source = dec(o.source_code);
      const stdin = dec(o.stdin);
      const m = /^print\("([^"\\]*)"\)\s*$/.exec(source);
      const token = `tok-${next++}`;
      subs.set(token, { stdout: m ? `${m[1]}\n` : stdin });
      return send(201, { token });
    }
    const m = /^\/submissions\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      stub.polls++;
      const s = subs.get(m[1]);
      if (!s) return send(404, { error: 'submission not found' });
      if (stub.hold) {
        return send(200, { token: m[1], status: { id: 2, description: 'Processing' }, stdout: null, stderr: null, compile_output: null, message: null, time: null, memory: null, exit_code: null });
      }
      const id = stub.statusId;
      return send(200, {
        token: m[1],
        status: { id, description: descriptions[id] || `Status ${id}` },
        stdout: id === 3 ? b64(s.stdout) : null,
        stderr: null,
        compile_output: null,
        message: null,
        time: '0.01',
        memory: 1024,
        exit_code: id === 3 ? 0 : null,
      });
    }
    send(404, { error: 'not found' });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  stub.url = `http://127.0.0.1:${port}`;
  stub.port = port;
  stub.stop = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };
  return stub;
}

// --- code-exec -----------------------------------------------------------------------------
export const haveCodeExec = () => isExecutable(codeExecBin);

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// Others may be relinking the binary while tests run: wait for it (bounded) instead of failing.
async function waitForBinary(file, timeoutMs = 120000) {
  const end = Date.now() + timeoutMs;
  let last = null;
  for (;;) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      const st = fs.statSync(file);
      const sig = `${st.size}:${st.mtimeMs}`;
      if (sig === last) return;
      last = sig; // unchanged over one interval: not being written
    } catch {
      last = null;
      if (Date.now() > end) throw new Error(`${file} is missing: build it (cmake --build build --target code-exec)`);
    }
    if (Date.now() > end) return;
    await sleep(last === null ? 1000 : 300);
  }
}

export async function startCodeExec({ convexUrl, judge0Url, env = {} }) {
  await waitForBinary(codeExecBin);
  const p = await startListening(codeExecBin, [], {
    name: 'code-exec',
    env: {
      CONVEX_SITE_URL: convexUrl,
      JUDGE0_BASE_URL: judge0Url,
      CODE_EXEC_API_KEYS: 'k',
      PORT: '0',
      BIND_ADDRESS: '127.0.0.1',
      JUDGE0_POLL_INTERVAL_MS: '50',
      READINESS_CACHE_MS: '0',
      SHUTDOWN_DELAY_MS: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  return { ...p, stop: (signal) => stopProcess(p, signal) };
}

// Runs `fn` for cleanup even when a start failed half-way; collects stops in reverse order.
export function cleanupList() {
  const stops = [];
  return {
    add: (x) => {
      stops.push(x);
      return x;
    },
    async run() {
      for (const x of stops.reverse()) {
        try {
          await x.stop();
        } catch {
          // best effort
        }
      }
      stops.length = 0;
    },
  };
}
