// Starts the pieces of a local stack on loopback for tests: the real code-exec binary, the
// Convex stand-in (tools/convex-dev), judge0-lite when built, and the Judge0 stand-in (tools/fakes).
// Used by tools/openapi/*.test.mjs and tools/convex/*.test.mjs. Node built-ins only.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import { createJudge0 } from '../fakes/judge0.mjs';
import { fetchText } from '../smoke.mjs';

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

// A small HTTP client (the smoke script's): never throws on status; `json` is the parsed body or undefined.
export const request = fetchText;

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

// --- Judge0 stand-in (tools/fakes/judge0.mjs, in this process) ----------------------------
// Knobs at run time: j0.set({ hold: true }), j0.addFault({ on: 'create', status: 500, always: true }),
// j0.clearFaults(); counters in j0.stats. Options as createJudge0's (workers, latencyMs, cacheMs, ...).
export async function startJudge0Fake(options = {}) {
  const fake = createJudge0(options);
  const port = await fake.listen();
  return Object.assign(fake, { port, url: `http://127.0.0.1:${port}`, stop: () => fake.close() });
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
