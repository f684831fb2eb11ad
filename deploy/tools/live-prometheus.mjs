// A real Prometheus (Debian's), not a mock, against two real code-exec processes, run by
// deploy/check:
//
//   node live-prometheus.mjs --deploy <dir> --repo <dir> --rendered <dir> --work <dir> --binary <code-exec>
//
// Everything listens on 127.0.0.1 and is stopped on every exit; every wait is bounded. Setup:
//  - Judge0 stand-in: tools/fakes/judge0.mjs whose jobs stay "Processing" for 10 minutes,
//    so every accepted submission stays active for the whole check; code-exec reaches it through
//    a switchable loopback proxy (here), which plays the "dead port" for the breaker.
//  - Convex stand-in: tools/convex-dev/server.mjs with tools/samples/problems.json.
//  - Two code-exec processes (pods a and b). Prometheus scrapes each of them TWICE, as a
//    Prometheus honouring both the ServiceMonitor and the prometheus.io/* annotations does; the
//    static targets carry the labels Kubernetes discovery would give (namespace="code-exec",
//    pod=...), so the queries of the rendered manifests run unchanged.
// Then, through Prometheus' HTTP API:
//  1. the KEDA ScaledObject's query (overlays/production-keda, verbatim) and the prometheus-adapter
//     rule's metricsQuery (its <<.Series>>, <<.LabelMatchers>> and <<.GroupBy>> filled in as the
//     adapter does for the HPA's request: the metric, namespace="code-exec",pod=~"a|b", pod) equal
//     the pods' own gauges read from their /metrics before and after the query;
//  2. every recording and alerting rule evaluates without error, and every recording rule whose
//     input metrics code-exec exports today returns series;
//  3. CodeExecBreakerOpen fires once Judge0 is a dead port and resolves once it is back, with
//     every `for:` shortened to 2 s and the rules evaluated every second (a generated copy of the
//     rules file).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import YAML from "yaml";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
const DEPLOY = path.resolve(args.deploy), REPO = path.resolve(args.repo), RENDERED = path.resolve(args.rendered);
const BINARY = path.resolve(args.binary);
const T = fs.mkdtempSync(path.join(os.tmpdir(), "code-exec-prometheus-"));
const METRIC = "code_exec_active_submissions";
const PODS = [{ pod: "code-exec-a", load: 11 }, { pod: "code-exec-b", load: 19 }];
const ALERT = "CodeExecBreakerOpen";
const DEADLINE = Date.now() + 170000; // deploy/check's timeout is 200 s

const report = (status, name, detail) => console.log(detail ? `${status} live Prometheus: ${name}: ${detail}` : `${status} live Prometheus: ${name}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- processes (all stopped on exit)
const children = [];
function start(name, cmd, argv, env = {}) {
  const log = fs.openSync(path.join(T, `${name}.log`), "a");
  const child = spawn(cmd, argv, { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", log] });
  child.out = "";
  // A program that cannot start (ENOENT) gets a non-null exitCode, which the waits below check.
  child.on("error", (e) => { child.out += `\n${e.message}`; });
  child.stdout.on("data", (d) => { child.out += d; fs.appendFileSync(path.join(T, `${name}.log`), d); });
  children.push(child);
  return child;
}
function stopAll() {
  for (const c of children) try { c.kill("SIGKILL"); } catch {}
  fs.rmSync(T, { recursive: true, force: true });
}
process.on("exit", stopAll);
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => process.exit(130));

async function until(what, ms, fn) {
  const end = Math.min(Date.now() + ms, DEADLINE);
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(250);
  }
  throw new Error(`${what}: not within ${ms / 1000} s${last instanceof Error ? ` (${last.message})` : ""}`);
}
const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  s.on("error", reject);
});
async function get(url, ms = 3000) {
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  return { status: res.status, text: await res.text() };
}
const portFromOutput = (child, re) => until(`${child.spawnargs[1] || child.spawnargs[0]} prints its port`, 10000, () => {
  if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
  const m = re.exec(child.out);
  return m && Number(m[1]);
});

// A loopback TCP proxy to Judge0 that can play a dead port: down() closes the listener and every
// connection (ECONNREFUSED from then on), up() listens on the same port again.
function judge0Proxy(target) {
  const sockets = new Set();
  let server, port;
  const listen = () => new Promise((resolve, reject) => {
    server = net.createServer((client) => {
      const upstream = net.connect(target, "127.0.0.1");
      for (const s of [client, upstream]) { sockets.add(s); s.on("close", () => sockets.delete(s)); s.on("error", () => {}); }
      client.pipe(upstream).pipe(client);
    });
    server.on("error", reject);
    server.listen(port || 0, "127.0.0.1", () => { port = server.address().port; resolve(port); });
  });
  return {
    up: listen,
    down: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
    get port() { return port; },
  };
}

// ---------------------------------------------------------------- what the manifests ship
function rendered(name) {
  const index = JSON.parse(fs.readFileSync(path.join(RENDERED, "index.json"), "utf8"));
  const r = index.find((x) => x.name === name);
  if (!r) throw new Error(`${name} was not rendered`);
  return YAML.parseAllDocuments(fs.readFileSync(r.file, "utf8")).map((d) => d.toJS()).filter(Boolean);
}
function kedaQuery() {
  const so = rendered("overlays/production-keda").find((o) => o.kind === "ScaledObject" && o.metadata.name === "code-exec");
  return so.spec.triggers.find((t) => t.type === "prometheus").metadata.query;
}
// prometheus-adapter fills the template for a request about pods a and b of namespace code-exec.
function adapterQuery() {
  const cm = rendered("prometheus-adapter").find((o) => o.kind === "ConfigMap");
  const rule = YAML.parse(cm.data["config.yaml"]).rules[0];
  const series = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(rule.seriesQuery)[1];
  const matchers = `namespace="code-exec",pod=~"${PODS.map((p) => p.pod).join("|")}"`;
  return rule.metricsQuery.replaceAll("<<.Series>>", series).replaceAll("<<.LabelMatchers>>", matchers).replaceAll("<<.GroupBy>>", "pod");
}
// The rules file with every `for:` at 2 s (Prometheus evaluates every second here).
function shortenedRules() {
  const rules = YAML.parse(fs.readFileSync(path.join(DEPLOY, "prometheus/code-exec.rules.yml"), "utf8"));
  for (const g of rules.groups) for (const r of g.rules) if (r.for) r.for = "2s";
  const f = path.join(T, "rules.yml");
  fs.writeFileSync(f, YAML.stringify(rules));
  return { file: f, rules: rules.groups.flatMap((g) => g.rules) };
}

// ---------------------------------------------------------------- code-exec and Prometheus
const gauge = (text, name) => {
  const m = new RegExp(`^${name}(?:\\{\\})?\\s+(\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : NaN;
};
const metricsOf = async (p) => (await get(`http://127.0.0.1:${p.port}/metrics`)).text;
let PROM;
async function query(expr) {
  const r = await get(`http://127.0.0.1:${PROM}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const j = JSON.parse(r.text);
  if (j.status !== "success") throw new Error(`${expr}: ${j.error}`);
  return j.data.result.map((x) => ({ labels: x.metric, value: Number(x.value[1]) }));
}
async function submit(p, id) {
  const body = JSON.stringify({ questionId: "q_hello", submissionId: id, languageId: 71, sourceCode: "print('Hello, World!')" });
  const res = await fetch(`http://127.0.0.1:${p.port}/v1/judge-question`, {
    method: "POST", body, headers: { "Content-Type": "application/json" }, signal: AbortSignal.timeout(5000),
  });
  await res.text();
  return res.status;
}

async function main() {
  for (const f of [BINARY, path.join(REPO, "tools/fakes/judge0.mjs"), path.join(REPO, "tools/convex-dev/server.mjs")])
    if (!fs.existsSync(f)) return report("SKIP", "setup", `${f} not found`);

  // Stand-ins.
  const judge0 = start("judge0", "node", [path.join(REPO, "tools/fakes/judge0.mjs"), "--workers", "64", "--latency-ms", "600000"]);
  const proxy = judge0Proxy(await portFromOutput(judge0, /"port":(\d+)/));
  await proxy.up();
  const convex = start("convex", "node", [path.join(REPO, "tools/convex-dev/server.mjs"), "--port", "0", "--data", path.join(REPO, "tools/samples/problems.json")]);
  const convexPort = await portFromOutput(convex, /"port":(\d+)/);

  // Two pods.
  for (const p of PODS) {
    p.port = await freePort();
    start(p.pod, BINARY, [], {
      PORT: String(p.port), BIND_ADDRESS: "127.0.0.1", CODE_EXEC_AUTH: "disabled", LOG_LEVEL: "warn",
      CONVEX_SITE_URL: `http://127.0.0.1:${convexPort}`, JUDGE0_BASE_URL: `http://127.0.0.1:${proxy.port}`,
      JUDGE0_POLL_INTERVAL_MS: "200", JUDGE0_TIMEOUT_MS: "1000", MAX_REQUEST_RUNTIME_MS: "600000",
      BREAKER_FAILURE_THRESHOLD: "3", BREAKER_OPEN_MS: "1000", SHUTDOWN_DELAY_MS: "0",
      RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_BURST: "100000",
    });
  }
  for (const p of PODS) await until(`${p.pod} answers /healthz`, 10000, async () => (await get(`http://127.0.0.1:${p.port}/healthz`)).status === 200);

  // Prometheus: each pod scraped by two jobs, rules evaluated every second.
  const { file: rulesFile, rules } = shortenedRules();
  const targets = PODS.map((p) => ({ targets: [`127.0.0.1:${p.port}`], labels: { namespace: "code-exec", pod: p.pod } }));
  PROM = await freePort();
  fs.writeFileSync(path.join(T, "prometheus.yml"), YAML.stringify({
    global: { scrape_interval: "1s", scrape_timeout: "900ms", evaluation_interval: "1s" },
    rule_files: [rulesFile],
    scrape_configs: ["servicemonitor", "annotations"].map((job) => ({ job_name: job, static_configs: targets })),
  }));
  const prom = start("prometheus", "prometheus", [
    `--config.file=${path.join(T, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(T, "data")}`,
    `--web.listen-address=127.0.0.1:${PROM}`, "--storage.tsdb.retention.time=1h", "--log.level=warn",
  ]);
  await until("Prometheus ready", 30000, async () => {
    if (prom.exitCode !== null) throw new Error(`prometheus exited with ${prom.exitCode}: ${prom.out.slice(-200)}`);
    return (await get(`http://127.0.0.1:${PROM}/-/ready`)).status === 200;
  });
  report("PASS", "setup", `Prometheus ${(await get(`http://127.0.0.1:${PROM}/api/v1/status/buildinfo`)).text.match(/"version":"([^"]+)"/)?.[1]} scrapes 2 code-exec pods twice each (jobs servicemonitor, annotations) every 1 s`);

  // Bounded load: 11 + 19 submissions, which stay active (Judge0 holds every job 10 minutes).
  const codes = {};
  await Promise.all(PODS.map(async (p) => {
    for (let i = 0; i < p.load; i++) {
      const c = await submit(p, `${p.pod}-${i}`);
      codes[c] = (codes[c] || 0) + 1;
    }
  }));
  if (codes[202] !== PODS.reduce((a, p) => a + p.load, 0)) return report("FAIL", "load", `answers ${JSON.stringify(codes)}`);

  // 1. The autoscaling queries against the pods' own gauges.
  const keda = kedaQuery(), adapter = adapterQuery();
  try {
    const seen = await until("queries equal the pods' gauges", 30000, async () => {
      const before = await Promise.all(PODS.map(async (p) => gauge(await metricsOf(p), METRIC)));
      const [k, a, naive] = await Promise.all([query(keda), query(adapter), query(`sum(${METRIC}{namespace="code-exec"})`)]);
      const after = await Promise.all(PODS.map(async (p) => gauge(await metricsOf(p), METRIC)));
      const sum = before[0] + before[1];
      const perPod = Object.fromEntries(a.map((x) => [x.labels.pod, x.value]));
      const stable = before.every((v, i) => v === after[i]) && before[0] === PODS[0].load && before[1] === PODS[1].load;
      // naive: the plain sum, which the double scrape doubles (proves both jobs are scraped).
      const ok = stable && naive[0]?.value === 2 * sum && k.length === 1 && k[0].value === sum && PODS.every((p, i) => perPod[p.pod] === before[i]) && a.length === PODS.length;
      return ok && { sum, before, perPod, naive: naive[0]?.value };
    });
    report("PASS", "KEDA query equals the sum of the pods' gauges", `${keda} = ${seen.sum} = ${seen.before.join(" + ")} (each pod scraped twice: the plain sum is ${seen.naive})`);
    report("PASS", "prometheus-adapter query equals each pod's gauge", `${adapter} -> ${JSON.stringify(seen.perPod)}, sum ${seen.sum}`);
  } catch (e) {
    report("FAIL", "autoscaling queries vs the pods' gauges", `${e.message}; KEDA ${keda}; adapter ${adapter}`);
  }

  // 2. Every rule evaluates; recording rules with today's inputs have data.
  try {
    const exported = new Set((await metricsOf(PODS[0])).split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/[{ ]/)[0].replace(/_(bucket|sum|count)$/, "")));
    const recorded = new Map(rules.filter((r) => r.record).map((r) => [r.record, r.expr]));
    // A rule has data today if each metric it reads is exported, or is a recording rule that has.
    const hasInputs = (expr) => (expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) || [])
      .filter((t) => recorded.has(t) || /^(code_exec_|container_|kube_)/.test(t))
      .every((t) => (recorded.has(t) ? hasInputs(recorded.get(t)) : exported.has(t.replace(/_(bucket|sum|count)$/, ""))));
    const needsData = [...recorded].filter(([, expr]) => hasInputs(expr));
    const seen = await until("every rule evaluated without error", 20000, async () => {
      const j = JSON.parse((await get(`http://127.0.0.1:${PROM}/api/v1/rules`)).text);
      const all = j.data.groups.flatMap((g) => g.rules);
      const bad = all.filter((r) => r.health !== "ok" || r.lastError);
      if (all.length !== rules.length) throw new Error(`${all.length} of ${rules.length} rules loaded`);
      if (bad.length) throw new Error(bad.map((r) => `${r.name}: ${r.health} ${r.lastError || ""}`).join("; "));
      const empty = [];
      for (const [name] of needsData) if (!(await query(name)).length) empty.push(name);
      if (empty.length) throw new Error(`no series yet from ${empty.join(", ")}`);
      return { all: all.length, data: needsData.map(([n]) => n) };
    });
    const total = (await query("namespace:code_exec_active_submissions:sum"))[0]?.value;
    if (total !== PODS[0].load + PODS[1].load) throw new Error(`namespace:code_exec_active_submissions:sum = ${total}`);
    report("PASS", "recording rules evaluate", `${seen.all} rules healthy; with data from today's metrics: ${seen.data.join(", ")}; namespace:code_exec_active_submissions:sum = ${total}`);
  } catch (e) {
    report("FAIL", "recording rules evaluate", e.message);
  }

  // 3. The breaker alert: Judge0 a dead port, then back.
  const alertStates = async () => JSON.parse((await get(`http://127.0.0.1:${PROM}/api/v1/alerts`)).text).data.alerts.filter((a) => a.labels.alertname === ALERT);
  try {
    if ((await alertStates()).length) throw new Error(`${ALERT} already active before Judge0 went away`);
    await proxy.down();
    const fired = await until(`${ALERT} firing`, 40000, async () => {
      const a = (await alertStates()).filter((x) => x.state === "firing");
      return a.length && a.map((x) => x.labels.pod).sort().join(", ");
    });
    report("PASS", `${ALERT} fires while Judge0 is a dead port`, `firing for ${fired}`);
    await proxy.up();
    // New submissions are the breaker's trial calls once BREAKER_OPEN_MS has passed.
    let n = 0;
    await until(`${ALERT} resolved`, 40000, async () => {
      await Promise.all(PODS.map((p) => submit(p, `${p.pod}-trial-${n++}`).catch(() => 0)));
      const states = await Promise.all(PODS.map(async (p) => gauge(await metricsOf(p), "code_exec_circuit_breaker_state")));
      return states.every((s) => s === 0) && !(await alertStates()).length;
    });
    report("PASS", `${ALERT} resolves once Judge0 is back`, "both breakers closed, no alert pending or firing");
  } catch (e) {
    report("FAIL", `${ALERT} fires and resolves`, e.message);
  }
}

main().then(
  () => process.exit(0),
  (e) => { report("FAIL", "run", String(e && e.message ? e.message : e)); process.exit(0); },
);
