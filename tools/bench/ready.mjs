// Start-to-ready: spawns a command (inheriting this environment), polls http://127.0.0.1:<port>/healthz
// every ~1 ms until 200, timed from the exec; then reads the process's own "startup_us" (if it logs
// one) and its RSS after <idle-ms>, and stops it.
//   node ready.mjs <port> <idle-ms> <signal> -- <command> [args...]
//   -> {"readyMs", "startupUs", "rssKiB"}
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

const [port, idleMs, signal, dashes, cmd, ...args] = process.argv.slice(2);
let out = '';
const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const t0 = performance.now(); // spawn() returns once the child has exec'd
child.stdout.on('data', (d) => { out += d; });
// The run's own signal: SIGKILL of nginx's master would leave its workers behind.
const giveUp = setTimeout(() => { child.kill(signal); console.log('{"error":"not ready in 5 s"}'); process.exit(1); }, 5000);

function poll() {
  const req = http.get({ host: '127.0.0.1', port: Number(port), path: '/healthz', agent: false }, (res) => {
    res.resume();
    if (res.statusCode === 200) return ready(performance.now() - t0);
    setTimeout(poll, 0.2);
  });
  req.on('error', () => setTimeout(poll, 0.2));
}

function ready(readyMs) {
  setTimeout(() => {
    const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    const m = /"startup_us":(\d+)/.exec(out);
    clearTimeout(giveUp);
    child.on('exit', () => {
      console.log(JSON.stringify({ readyMs, startupUs: m ? Number(m[1]) : null, rssKiB: rss ? Number(rss[1]) : null }));
      process.exit(0);
    });
    child.kill(signal);
  }, Number(idleMs));
}
poll();
