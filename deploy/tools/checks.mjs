// Offline checks of deploy/ run by deploy/check (after it has rendered every kustomization).
//
//   node checks.mjs --deploy <deploy dir> --repo <repo root> --rendered <dir> --work <dir>
//
// Prints one line per check, "PASS <name>", "FAIL <name>: <why>" or "SKIP <name>: <why>", which
// deploy/check counts. Nothing here needs a cluster or the network:
//  - Kubernetes schemas: the kubernetes-models packages (generated from the Kubernetes OpenAPI
//    spec; KEDA and prometheus-operator CRDs likewise) give a JSON-schema validator per kind, and
//    their TypeScript types, checked with tsc, reject unknown fields (like kubeconform -strict).
//  - ECS: the task definition is type-checked against @aws-sdk/client-ecs's
//    RegisterTaskDefinitionCommandInput.
//  - The rest are cross-file rules of this project (contract variables, drain arithmetic, HPA
//    metric name, references between objects, ...).
import fs from "node:fs";
import path from "node:path";
import { execFileSync, spawn } from "node:child_process";
import net from "node:net";
import YAML from "yaml";

// ---------------------------------------------------------------- arguments and reporting
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
const DEPLOY = path.resolve(args.deploy);
const REPO = path.resolve(args.repo);
const RENDERED = path.resolve(args.rendered);
const WORK = path.resolve(args.work);

function report(status, name, detail) {
  const line = detail ? `${status} ${name}: ${detail}` : `${status} ${name}`;
  console.log(line);
}
function check(name, fn) {
  try {
    const r = fn();
    if (r && r.skip) return report("SKIP", name, r.skip);
    const problems = Array.isArray(r) ? r : r && r.problems ? r.problems : [];
    const note = r && r.note ? r.note : "";
    if (problems.length === 0) report("PASS", name, note);
    else report("FAIL", name, problems.slice(0, 8).join("; ") + (problems.length > 8 ? `; ... (${problems.length} problems)` : ""));
  } catch (e) {
    report("FAIL", name, `check crashed: ${e && e.stack ? e.stack.split("\n").slice(0, 3).join(" | ") : e}`);
  }
}

// ---------------------------------------------------------------- helpers
const METRIC = "code_exec_active_submissions";
const SECRET_VARS = ["CODE_EXEC_API_KEYS", "CODE_EXEC_SIGNING_SECRETS", "CONVEX_CALLBACK_SECRET", "JUDGE0_API_KEY"];
// docs/contract.md §4 (and READINESS_TIMEOUT_MS of §5). config/config.cpp, when present, adds
// whatever the service really reads.
const CONTRACT_VARS = [
  "PORT", "BIND_ADDRESS", "JUDGE0_BASE_URL", "JUDGE0_API_KEY", "CONVEX_SITE_URL", "REQUEST_TIMEOUT_MS",
  "JUDGE0_TIMEOUT_MS", "JUDGE0_POLL_INTERVAL_MS", "JUDGE0_MAX_INFLIGHT", "JUDGE0_MAX_CPU_TIME_LIMIT",
  "JUDGE0_MAX_WALL_TIME_LIMIT", "JUDGE0_MAX_MEMORY_LIMIT_KB", "CONVEX_TIMEOUT_MS", "CONVEX_HEALTH_PATH",
  "CALLBACK_MAX_ATTEMPTS", "MAX_BODY_BYTES", "MAX_SOURCE_BYTES", "MAX_TESTCASES", "MAX_STDIN_BYTES",
  "MAX_REQUEST_RUNTIME_MS", "REVEAL_HIDDEN_OUTPUT", "CODE_EXEC_API_KEYS", "CODE_EXEC_AUTH",
  "CODE_EXEC_SIGNING_SECRETS", "SIGNATURE_TOLERANCE_S", "CONVEX_CALLBACK_SECRET", "RATE_LIMIT_BACKEND",
  "REDIS_URL", "RATE_LIMIT_PER_MINUTE", "RATE_LIMIT_BURST", "RATE_LIMIT_FAIL_OPEN",
  "BREAKER_FAILURE_THRESHOLD", "BREAKER_OPEN_MS", "MAX_ACTIVE_SUBMISSIONS", "MAX_QUEUED_SUBMISSIONS",
  "READINESS_CACHE_MS", "READINESS_TIMEOUT_MS", "SHUTDOWN_DELAY_MS", "SHUTDOWN_GRACE_MS", "LOG_LEVEL",
  "MAX_CONNECTIONS", "MAX_QUEUED_BYTES", "JUDGE0_INTERNAL_ERROR_RETRIES",
  "JUDGE0_CALLBACKS", "JUDGE0_CALLBACK_PORT", "JUDGE0_CALLBACK_BASE_URL", "JUDGE0_CALLBACK_FALLBACK_POLL_MS",
  "JUDGE0_MIN_POLL_INTERVAL_MS",
];

// The durable submission store (issue #17, notes/stream_contract.md). POD_NAME is the stream
// consumer name: in Kubernetes it must come from the downward API (metadata.name); compose and ECS
// leave it unset (the service's default, <hostname>-<pid>, is unique per container), because a
// fixed value would make every replica the same consumer.
const STORE_VARS = ["SUBMISSION_STORE", "SUBMISSION_REDIS_URL", "SUBMISSION_LEASE_MS", "SUBMISSION_MAX_ATTEMPTS", "POD_NAME"];
const PER_POD_VARS = ["POD_NAME"];
// The Redis keys code-exec uses in redis mode (notes/stream_contract.md).
const STORE_STREAM = "code-exec:submissions";
const STORE_GROUP = "code-exec";

function requiredVars() {
  const set = new Set([...CONTRACT_VARS, ...STORE_VARS]);
  const cpp = path.join(REPO, "config", "config.cpp");
  let fromCode = 0, inCode = 0;
  if (fs.existsSync(cpp)) {
    const src = fs.readFileSync(cpp, "utf8");
    for (const m of src.matchAll(/\br\.(?:integer|text|ms|boolean|list|url|number|seconds)\(\s*"([A-Z][A-Z0-9_]+)"/g)) {
      inCode++;
      if (!set.has(m[1])) fromCode++;
      set.add(m[1]);
    }
  }
  return { vars: [...set], fromCode, inCode, codeFile: fs.existsSync(cpp) };
}

function readEnvFile(file) {
  const out = new Map();
  for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const i = line.indexOf("=");
    if (i < 0) continue;
    out.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return out;
}

const b64 = (s) => Buffer.from(s || "", "base64").toString("utf8");
const short = (o) => `${o.kind} ${o.metadata?.namespace ? o.metadata.namespace + "/" : ""}${o.metadata?.name}`;

function loadRendered() {
  const list = JSON.parse(fs.readFileSync(path.join(RENDERED, "index.json"), "utf8"));
  return list.map(({ name, file }) => {
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
    const objects = [];
    for (const d of docs) {
      if (d.errors.length) throw new Error(`${name}: YAML error ${d.errors[0].message}`);
      const o = d.toJS();
      if (o) objects.push(o);
    }
    return { name, objects };
  });
}

function podTemplate(o) {
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(o.kind)) return o.spec?.template;
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template;
  return undefined;
}
const workloads = (objs) => objs.filter((o) => podTemplate(o));
function selectorMatches(sel, labels) {
  if (!sel) return false;
  labels = labels || {};
  for (const [k, v] of Object.entries(sel.matchLabels || {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}
const find = (objs, kind, ns, name) => objs.find((o) => o.kind === kind && (o.metadata?.namespace ?? undefined) === ns && o.metadata?.name === name);
// kustomize appends a content hash to generated ConfigMaps and Secrets.
const baseName = (n) => n.replace(/-[a-z0-9]{10}$/, "");
const findGenerated = (objs, kind, ns, base) => objs.find((o) => o.kind === kind && o.metadata?.namespace === ns && baseName(o.metadata.name) === base);

function codeExec(objs) {
  const dep = objs.find((o) => o.kind === "Deployment" && o.metadata?.name === "code-exec");
  if (!dep) return null;
  const ns = dep.metadata.namespace;
  const c = dep.spec.template.spec.containers.find((x) => x.name === "code-exec");
  const cmRef = (c.envFrom || []).map((e) => e.configMapRef?.name).filter(Boolean);
  const cms = cmRef.map((n) => find(objs, "ConfigMap", ns, n)).filter(Boolean);
  const env = {};
  for (const cm of cms) Object.assign(env, cm.data || {});
  return { dep, ns, pod: dep.spec.template.spec, c, cms, env };
}
function judge0Config(objs) {
  const cm = objs.find((o) => o.kind === "ConfigMap" && baseName(o.metadata.name) === "judge0-config");
  return cm ? cm.data || {} : null;
}
const num = (v) => (v === undefined || v === null || v === "" ? NaN : Number(v));

// ---------------------------------------------------------------- Kubernetes schemas
const GROUP_PACKAGES = {
  "keda.sh": "@kubernetes-models/keda",
  "eventing.keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};
function modelModule(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (!group) return `kubernetes-models/${version}/${kind}`;
  const pkg = GROUP_PACKAGES[group] || "kubernetes-models";
  return `${pkg}/${group}/${version}/${kind}`;
}
// The model packages are ESM-only with wildcard exports: look for the files themselves.
function moduleExists(spec) {
  const base = path.join(WORK, "node_modules", spec);
  return fs.existsSync(base + ".js") && fs.existsSync(base + ".d.ts");
}

async function schemaChecks(renders, ecsFile) {
  // 1. JSON-schema validation (required fields, types, formats, enums) per object.
  const perRender = new Map();
  for (const r of renders) {
    const problems = [];
    for (const o of r.objects) {
      if (!o.apiVersion || !o.kind) {
        problems.push(`object without apiVersion/kind: ${JSON.stringify(o).slice(0, 80)}`);
        continue;
      }
      const spec = modelModule(o.apiVersion, o.kind);
      if (!moduleExists(spec)) {
        problems.push(`${short(o)}: no schema for ${o.apiVersion} ${o.kind}`);
        continue;
      }
      const mod = await import(spec);
      const Model = mod[o.kind] || mod.default;
      // kustomize folds long base64 values over several lines; the API server (Go's base64
      // decoder) ignores those newlines, the "byte" format check here would not.
      const data = o.kind === "Secret" && o.data ? Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, String(v).replace(/[\r\n]/g, "")])) : undefined;
      try {
        new Model(data ? { ...o, data } : o).validate();
      } catch (e) {
        problems.push(`${short(o)}: ${String(e.message).replace(/\s+/g, " ").slice(0, 300)}`);
      }
    }
    perRender.set(r.name, problems);
  }

  // 2. Strict typing (unknown fields) with tsc over generated .ts files, one per render, plus ECS.
  const tsDir = path.join(WORK, "tscheck");
  fs.rmSync(tsDir, { recursive: true, force: true });
  fs.mkdirSync(tsDir, { recursive: true });
  const lineOwner = new Map(); // file -> line -> {render, obj}
  const files = [];
  renders.forEach((r, ri) => {
    const imports = new Map();
    const body = [];
    const owners = {};
    r.objects.forEach((o, i) => {
      const spec = modelModule(o.apiVersion || "", o.kind || "");
      if (!o.kind || !moduleExists(spec)) return;
      const alias = `I${o.kind}_${o.apiVersion.replace(/[^A-Za-z0-9]/g, "_")}`;
      imports.set(alias, `import type { I${o.kind} as ${alias} } from "${spec}";`);
      owners[body.length + 1] = { render: r.name, obj: short(o) };
      body.push(`export const o${i}: ${alias} = ${JSON.stringify(o)};`);
    });
    const header = [...imports.values()];
    const text = header.join("\n") + "\n" + body.join("\n") + "\n";
    const file = path.join(tsDir, `render${ri}.ts`);
    fs.writeFileSync(file, text);
    const map = new Map();
    for (const [ln, owner] of Object.entries(owners)) map.set(Number(ln) + header.length, owner);
    lineOwner.set(file, map);
    files.push(file);
  });
  let ecsProblems = null;
  if (ecsFile) {
    const f = path.join(tsDir, "ecs.ts");
    fs.writeFileSync(
      f,
      `import type { RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";\n` +
        `export const td: RegisterTaskDefinitionCommandInput = ${fs.readFileSync(ecsFile, "utf8").trim()};\n`
    );
    files.push(f);
    ecsProblems = [];
  }
  const ts = (await import("typescript")).default;
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\s+/g, " ").slice(0, 300);
    if (!d.file) {
      for (const p of perRender.values()) p.push(`tsc: ${msg}`);
      continue;
    }
    const file = path.resolve(d.file.fileName);
    if (file.endsWith("ecs.ts")) {
      ecsProblems.push(msg);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const owner = lineOwner.get(file)?.get(line + 1);
    if (owner) perRender.get(owner.render).push(`${owner.obj}: ${msg}`);
    else {
      const r = renders[Number(path.basename(file).replace(/\D/g, ""))];
      if (r) perRender.get(r.name).push(`tsc: ${msg}`);
    }
  }
  return { perRender, ecsProblems };
}

// ---------------------------------------------------------------- per-render policy rules
function envRules(objs) {
  const ce = codeExec(objs);
  if (!ce) return { skip: "no code-exec Deployment in this render" };
  const problems = [];
  const { vars, fromCode, inCode, codeFile } = requiredVars();
  const envNames = new Set([...Object.keys(ce.env), ...(ce.c.env || []).map((e) => e.name)]);
  for (const v of vars) if (!envNames.has(v)) problems.push(`${v} not set`);
  for (const k of Object.keys(ce.env)) if (!vars.includes(k)) problems.push(`ConfigMap key ${k} is no known variable (typo?)`);
  for (const s of SECRET_VARS) {
    if (s in ce.env) problems.push(`${s} is in a ConfigMap; it must come from a Secret`);
    const e = (ce.c.env || []).find((x) => x.name === s);
    if (!e?.valueFrom?.secretKeyRef) problems.push(`${s} is not a secretKeyRef`);
  }
  if (ce.env.CODE_EXEC_AUTH && !["required", "enabled", "disabled"].includes(ce.env.CODE_EXEC_AUTH))
    problems.push(`CODE_EXEC_AUTH=${ce.env.CODE_EXEC_AUTH} (the service accepts required|disabled, or enabled for required)`);
  if (ce.env.CODE_EXEC_AUTH === "disabled") problems.push("CODE_EXEC_AUTH=disabled is for development only");
  return { problems, note: `${vars.length} variables: contract §4 and the store's (#17)${codeFile ? `, and the ${inCode} that config/config.cpp reads (${fromCode} beyond those)` : " (config/config.cpp not found)"}; ${SECRET_VARS.length} from Secrets` };
}

function drainRules(objs) {
  const ce = codeExec(objs);
  if (!ce) return { skip: "no code-exec Deployment" };
  const p = [];
  const delay = num(ce.env.SHUTDOWN_DELAY_MS), grace = num(ce.env.SHUTDOWN_GRACE_MS), runtime = num(ce.env.MAX_REQUEST_RUNTIME_MS);
  const cmd = ce.c.lifecycle?.preStop?.exec?.command || [];
  const sleepS = ce.c.lifecycle?.preStop?.sleep?.seconds ?? (cmd.length === 2 && /sleep$/.test(cmd[0]) ? Number(cmd[1]) : NaN);
  const tgps = ce.pod.terminationGracePeriodSeconds;
  if (!(sleepS * 1000 === delay)) p.push(`preStop sleep ${sleepS}s != SHUTDOWN_DELAY_MS ${delay}`);
  // Memory store: the grace must outlast the last admitted submission, or it ends in "service
  // shutting down". Redis store: unfinished entries are handed to peers at the deadline, so the
  // grace only has to pass SHUTDOWN_DELAY_MS (a longer one still saves reruns).
  const redisStore = ce.env.SUBMISSION_STORE === "redis";
  if (redisStore ? !(grace > delay) : !(grace >= delay + runtime))
    p.push(redisStore ? `SHUTDOWN_GRACE_MS ${grace} <= SHUTDOWN_DELAY_MS ${delay}` : `SHUTDOWN_GRACE_MS ${grace} < SHUTDOWN_DELAY_MS ${delay} + MAX_REQUEST_RUNTIME_MS ${runtime}`);
  const need = sleepS + grace / 1000 + 10;
  if (!(tgps >= need)) p.push(`terminationGracePeriodSeconds ${tgps} < preStop ${sleepS} + SHUTDOWN_GRACE ${grace / 1000} + 10 s margin`);
  const rd = ce.c.readinessProbe, lv = ce.c.livenessProbe, st = ce.c.startupProbe;
  if (rd?.httpGet?.path !== "/readyz") p.push("readinessProbe is not GET /readyz");
  if (lv?.httpGet?.path !== "/healthz") p.push("livenessProbe is not GET /healthz");
  if (!st?.httpGet) p.push("no startupProbe");
  if (!(ce.c.ports || []).some((x) => x.containerPort === num(ce.env.PORT) && x.name === "http")) p.push(`no container port "http" = PORT ${ce.env.PORT}`);
  return { problems: p, note: `preStop ${sleepS}s + SHUTDOWN_GRACE ${grace / 1000}s (>= ${delay / 1000} + ${runtime / 1000}) + margin <= terminationGracePeriodSeconds ${tgps}` };
}

function hardeningRules(objs) {
  const p = [];
  const ce = codeExec(objs);
  if (ce) {
    const ps = ce.pod.securityContext || {}, cs = ce.c.securityContext || {};
    if (ps.runAsNonRoot !== true && cs.runAsNonRoot !== true) p.push("code-exec: runAsNonRoot not set");
    if ((cs.runAsUser ?? ps.runAsUser) !== 10001) p.push("code-exec: runAsUser is not 10001");
    if ((cs.seccompProfile ?? ps.seccompProfile)?.type !== "RuntimeDefault") p.push("code-exec: seccomp is not RuntimeDefault");
    if (cs.readOnlyRootFilesystem !== true) p.push("code-exec: readOnlyRootFilesystem is not true");
    if (cs.allowPrivilegeEscalation !== false) p.push("code-exec: allowPrivilegeEscalation is not false");
    if (!(cs.capabilities?.drop || []).includes("ALL")) p.push("code-exec: capabilities do not drop ALL");
  }
  for (const w of workloads(objs)) {
    const spec = podTemplate(w).spec;
    for (const c of [...(spec.initContainers || []), ...spec.containers]) {
      const r = c.resources || {};
      for (const k of ["cpu", "memory"]) {
        if (!r.requests?.[k]) p.push(`${short(w)}/${c.name}: no ${k} request`);
        if (!r.limits?.[k]) p.push(`${short(w)}/${c.name}: no ${k} limit`);
      }
      if (c.securityContext?.privileged) {
        if (w.metadata.name !== "judge0-workers") p.push(`${short(w)}/${c.name}: privileged (only judge0-workers may be)`);
        const ns = find(objs, "Namespace", undefined, w.metadata.namespace);
        if (ns && ns.metadata.labels?.["pod-security.kubernetes.io/enforce"] !== "privileged")
          p.push(`${short(w)} is privileged but namespace ${w.metadata.namespace} does not enforce "privileged"`);
      }
      if (/:latest$/.test(c.image) || !/[:@]/.test(c.image.split("/").pop())) p.push(`${short(w)}/${c.name}: image ${c.image} has no pinned tag`);
    }
  }
  const cns = objs.find((o) => o.kind === "Namespace" && o.metadata.name === (ce?.ns || "code-exec"));
  if (ce && cns && cns.metadata.labels?.["pod-security.kubernetes.io/enforce"] !== "restricted")
    p.push(`namespace ${ce.ns} does not enforce Pod Security "restricted"`);
  return { problems: p, note: `${workloads(objs).length} workloads` };
}

function referenceRules(objs) {
  const p = [];
  const shipsSecrets = objs.some((o) => o.kind === "Secret");
  const external = new Set(["code-exec-secrets", "judge0-secrets", "code-exec-tls"]);
  const refSecret = (ns, name, keyName, optional, where) => {
    const s = find(objs, "Secret", ns, name);
    if (!s) {
      if (shipsSecrets || !external.has(name)) p.push(`${where}: Secret ${ns}/${name} not found`);
      return;
    }
    if (keyName && !optional && !(keyName in (s.data || {})) && !(keyName in (s.stringData || {}))) p.push(`${where}: Secret ${ns}/${name} has no key ${keyName}`);
  };
  const refCM = (ns, name, keyName, optional, where) => {
    const cm = find(objs, "ConfigMap", ns, name);
    if (!cm) return p.push(`${where}: ConfigMap ${ns}/${name} not found`);
    if (keyName && !optional && !(keyName in (cm.data || {}))) p.push(`${where}: ConfigMap ${ns}/${name} has no key ${keyName}`);
  };
  for (const w of workloads(objs)) {
    const ns = w.metadata.namespace, spec = podTemplate(w).spec, where = short(w);
    if (w.kind !== "CronJob" && !selectorMatches(w.spec.selector, podTemplate(w).metadata?.labels)) p.push(`${where}: selector does not match its pod template`);
    for (const c of [...(spec.initContainers || []), ...spec.containers]) {
      for (const e of c.envFrom || []) {
        if (e.configMapRef) refCM(ns, e.configMapRef.name, null, e.configMapRef.optional, where);
        if (e.secretRef) refSecret(ns, e.secretRef.name, null, e.secretRef.optional, where);
      }
      for (const e of c.env || []) {
        const s = e.valueFrom?.secretKeyRef, m = e.valueFrom?.configMapKeyRef;
        if (s) refSecret(ns, s.name, s.key, s.optional, where);
        if (m) refCM(ns, m.name, m.key, m.optional, where);
      }
    }
    for (const v of spec.volumes || []) {
      if (v.configMap) refCM(ns, v.configMap.name, null, v.configMap.optional, where);
      if (v.secret) refSecret(ns, v.secret.secretName, null, v.secret.optional, where);
    }
    if (spec.serviceAccountName && spec.serviceAccountName !== "default" && !find(objs, "ServiceAccount", ns, spec.serviceAccountName))
      p.push(`${where}: ServiceAccount ${spec.serviceAccountName} not found`);
  }
  const podsIn = (ns) => workloads(objs).filter((w) => w.metadata.namespace === ns).map((w) => podTemplate(w));
  for (const s of objs.filter((o) => o.kind === "Service")) {
    const pods = podsIn(s.metadata.namespace).filter((t) => selectorMatches({ matchLabels: s.spec.selector }, t.metadata?.labels));
    if (!pods.length) p.push(`${short(s)}: selector matches no pod`);
    for (const port of s.spec.ports || []) {
      if (typeof port.targetPort === "string" && !pods.some((t) => t.spec.containers.some((c) => (c.ports || []).some((cp) => cp.name === port.targetPort))))
        p.push(`${short(s)}: targetPort ${port.targetPort} is no named container port`);
    }
  }
  for (const np of objs.filter((o) => o.kind === "NetworkPolicy"))
    if (!podsIn(np.metadata.namespace).some((t) => selectorMatches(np.spec.podSelector, t.metadata?.labels))) p.push(`${short(np)}: podSelector matches no pod`);
  for (const pdb of objs.filter((o) => o.kind === "PodDisruptionBudget"))
    if (!podsIn(pdb.metadata.namespace).some((t) => selectorMatches(pdb.spec.selector, t.metadata?.labels))) p.push(`${short(pdb)}: selector matches no pod`);
  for (const a of objs.filter((o) => o.kind === "HorizontalPodAutoscaler" || o.kind === "ScaledObject")) {
    const t = a.spec.scaleTargetRef;
    if (!find(objs, t.kind || "Deployment", a.metadata.namespace, t.name)) p.push(`${short(a)}: scale target ${t.kind || "Deployment"} ${t.name} not found`);
    for (const tr of a.spec.triggers || [])
      if (tr.authenticationRef && !find(objs, tr.authenticationRef.kind || "TriggerAuthentication", a.metadata.namespace, tr.authenticationRef.name))
        p.push(`${short(a)}: TriggerAuthentication ${tr.authenticationRef.name} not found`);
  }
  for (const sm of objs.filter((o) => o.kind === "ServiceMonitor")) {
    const nss = sm.spec.namespaceSelector?.matchNames || [sm.metadata.namespace];
    const svcs = objs.filter((o) => o.kind === "Service" && nss.includes(o.metadata.namespace) && selectorMatches(sm.spec.selector, o.metadata.labels));
    if (!svcs.length) p.push(`${short(sm)}: selects no Service`);
    for (const ep of sm.spec.endpoints || [])
      if (ep.port && !svcs.some((s) => s.spec.ports.some((x) => x.name === ep.port))) p.push(`${short(sm)}: no selected Service has port ${ep.port}`);
  }
  for (const ing of objs.filter((o) => o.kind === "Ingress"))
    for (const rule of ing.spec.rules || [])
      for (const path_ of rule.http?.paths || []) {
        const b = path_.backend.service;
        const s = find(objs, "Service", ing.metadata.namespace, b.name);
        if (!s) p.push(`${short(ing)}: Service ${b.name} not found`);
        else if (b.port.name && !s.spec.ports.some((x) => x.name === b.port.name)) p.push(`${short(ing)}: Service ${b.name} has no port ${b.port.name}`);
      }
  for (const sec of objs.filter((o) => o.kind === "Secret"))
    for (const [k, v] of Object.entries(sec.data || {})) if (!b64(v)) p.push(`${short(sec)}: key ${k} is empty`);
  // The two copies of the Judge0 token must agree where the overlay ships both Secrets.
  const ce = objs.find((o) => o.kind === "Secret" && baseName(o.metadata.name) === "code-exec-secrets");
  const j0 = objs.find((o) => o.kind === "Secret" && baseName(o.metadata.name) === "judge0-secrets");
  if (ce && j0 && b64(ce.data?.JUDGE0_API_KEY) !== b64(j0.data?.AUTHN_TOKEN)) p.push("code-exec-secrets JUDGE0_API_KEY != judge0-secrets AUTHN_TOKEN");
  return { problems: p, note: shipsSecrets ? "Secrets shipped by this overlay" : "Secrets expected out of band: code-exec-secrets, judge0-secrets" };
}

function scalingRules(objs, adapterMetric) {
  const ce = codeExec(objs);
  if (!ce) return { skip: "no code-exec Deployment" };
  const p = [];
  const hpas = objs.filter((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef.name === "code-exec");
  const sos = objs.filter((o) => o.kind === "ScaledObject" && o.spec.scaleTargetRef.name === "code-exec");
  if (hpas.length + sos.length !== 1) p.push(`code-exec has ${hpas.length} HPA(s) and ${sos.length} ScaledObject(s); exactly one autoscaler expected`);
  if (ce.dep.spec.replicas !== undefined) p.push("code-exec Deployment sets replicas (the autoscaler owns it)");
  let maxReplicas = NaN, target = NaN, how = "";
  for (const h of hpas) {
    const m = (h.spec.metrics || []).find((x) => x.type === "Pods");
    if (!m) p.push(`${short(h)}: no Pods metric`);
    else {
      if (m.pods.metric.name !== METRIC) p.push(`${short(h)}: metric ${m.pods.metric.name} != ${METRIC}`);
      if (adapterMetric && m.pods.metric.name !== adapterMetric) p.push(`${short(h)}: metric ${m.pods.metric.name} != prometheus-adapter rule ${adapterMetric}`);
      if (m.pods.target.type !== "AverageValue") p.push(`${short(h)}: target type is not AverageValue`);
      target = num(m.pods.target.averageValue);
    }
    maxReplicas = h.spec.maxReplicas;
    how = `HPA Pods ${METRIC} avg ${target}, ${h.spec.minReplicas}-${maxReplicas} pods`;
  }
  for (const so of sos) {
    const t = (so.spec.triggers || []).find((x) => x.type === "prometheus");
    if (!t) p.push(`${short(so)}: no prometheus trigger`);
    else {
      if (!new RegExp(`\\b${METRIC}\\b`).test(t.metadata.query)) p.push(`${short(so)}: query does not read ${METRIC}`);
      target = num(t.metadata.threshold);
    }
    maxReplicas = so.spec.maxReplicaCount;
    how = `KEDA ${METRIC} avg ${target}, ${so.spec.minReplicaCount}-${maxReplicas} pods`;
  }
  const active = num(ce.env.MAX_ACTIVE_SUBMISSIONS), inflight = num(ce.env.JUDGE0_MAX_INFLIGHT);
  if (!(target > 0 && target <= active)) p.push(`target ${target} not in (0, MAX_ACTIVE_SUBMISSIONS ${active}]`);
  const j = judge0Config(objs);
  if (j) {
    const q = num(j.MAX_QUEUE_SIZE ?? 100);
    if (!(maxReplicas * inflight <= q)) p.push(`maxReplicas ${maxReplicas} x JUDGE0_MAX_INFLIGHT ${inflight} = ${maxReplicas * inflight} > Judge0 MAX_QUEUE_SIZE ${q}`);
    for (const [a, b] of [["JUDGE0_MAX_CPU_TIME_LIMIT", "MAX_CPU_TIME_LIMIT"], ["JUDGE0_MAX_WALL_TIME_LIMIT", "MAX_WALL_TIME_LIMIT"], ["JUDGE0_MAX_MEMORY_LIMIT_KB", "MAX_MEMORY_LIMIT"]])
      if (num(ce.env[a]) !== num(j[b])) p.push(`${a} ${ce.env[a]} != Judge0 ${b} ${j[b]}`);
    if (String(j.ENABLE_NETWORK) !== "false" || String(j.ALLOW_ENABLE_NETWORK) !== "false") p.push("Judge0 lets programs use the network");
    const w = objs.find((o) => o.kind === "Deployment" && o.metadata.name === "judge0-workers");
    if (!w) p.push("no judge0-workers Deployment");
    else if (!w.spec.template.spec.containers.every((c) => c.securityContext?.privileged === true)) p.push("judge0-workers are not privileged (isolate needs it)");
    const url = ce.env.JUDGE0_BASE_URL || "";
    const srv = objs.find((o) => o.kind === "Service" && o.metadata.name === "judge0-server");
    if (srv && !url.includes(`judge0-server.${srv.metadata.namespace}`) && !url.includes("//judge0-server:"))
      p.push(`JUDGE0_BASE_URL ${url} does not point at Service ${srv.metadata.namespace}/judge0-server`);
  }
  return { problems: p, note: how };
}

// ---------------------------------------------------------------- files outside Kubernetes
function adapterRule(renders) {
  const r = renders.find((x) => x.name === "prometheus-adapter");
  if (!r) return { problems: ["prometheus-adapter kustomization not rendered"] };
  const cm = r.objects.find((o) => o.kind === "ConfigMap");
  const cfg = YAML.parse(cm?.data?.["config.yaml"] || "");
  const p = [];
  const rules = cfg?.rules || [];
  const names = [];
  for (const rule of rules) {
    const as = rule.name?.as;
    const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(rule.seriesQuery || "");
    names.push(as || m?.[1]);
    if (!m || m[1] !== METRIC) p.push(`seriesQuery selects ${m?.[1]} (expected ${METRIC})`);
    if (as !== METRIC) p.push(`rule serves "${as}" (expected exactly ${METRIC})`);
    const ov = rule.resources?.overrides || {};
    if (ov.pod?.resource !== "pod" || ov.namespace?.resource !== "namespace") p.push("resources.overrides must map pod and namespace");
    if (!/<<\.Series>>/.test(rule.metricsQuery || "") || !/<<\.LabelMatchers>>/.test(rule.metricsQuery || "")) p.push("metricsQuery lacks <<.Series>> / <<.LabelMatchers>>");
  }
  if (!rules.length) p.push("no rules in config.yaml");
  const values = YAML.parse(fs.readFileSync(path.join(DEPLOY, "k8s/prometheus-adapter/helm-values.yaml"), "utf8"));
  if (values?.rules?.existing !== cm?.metadata?.name) p.push(`helm-values.yaml rules.existing ${values?.rules?.existing} != ConfigMap ${cm?.metadata?.name}`);
  return { problems: p, note: `serves ${names.join(", ")} from ConfigMap ${cm?.metadata?.namespace}/${cm?.metadata?.name}`, metric: names[0] };
}

function metricsFile() {
  const f = process.env.CODE_EXEC_METRICS_FILE;
  if (!f) return { skip: "CODE_EXEC_METRICS_FILE not set" };
  if (!fs.existsSync(f)) return { problems: [`CODE_EXEC_METRICS_FILE=${f} does not exist`] };
  const text = fs.readFileSync(f, "utf8");
  const sample = new RegExp(`^${METRIC}(\\{[^}]*\\})?\\s+\\S+`, "m").test(text);
  const type = new RegExp(`^# TYPE ${METRIC} gauge\\s*$`, "m").test(text);
  const p = [];
  if (!sample) p.push(`no sample line for ${METRIC} in ${f}`);
  if (!type) p.push(`no "# TYPE ${METRIC} gauge" in ${f}`);
  return { problems: p, note: `${f} exposes ${METRIC} (gauge)` };
}

function dockerfileRules() {
  const text = fs.readFileSync(path.join(DEPLOY, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const stages = [];
  for (const l of lines) {
    if (/^FROM\s/i.test(l)) stages.push({ from: l.split(/\s+/)[1], lines: [] });
    else if (stages.length) stages[stages.length - 1].lines.push(l);
  }
  const p = [];
  if (stages.length < 2) return { problems: ["expected a multi-stage build"] };
  const [build, run] = [stages[0], stages[stages.length - 1]];
  const bookworm = (img) => /^debian:(12|bookworm)(\b|-|$)/.test(img);
  if (!bookworm(build.from)) p.push(`build stage is ${build.from}, not debian:12`);
  if (!bookworm(run.from)) p.push(`runtime stage is ${run.from}, not debian:12`);
  const btext = build.lines.join(" "), rtext = run.lines.join(" ");
  for (const pkg of ["g++", "cmake", "ninja-build", "libcaf-dev", "libboost1.81-dev", "libboost-json1.81-dev", "libboost-url1.81-dev", "libicu-dev", "libmimalloc-dev", "libssl-dev", "prometheus-cpp-dev", "libhiredis-dev"])
    if (!btext.split(/\s+/).includes(pkg)) p.push(`build stage does not install ${pkg}`);
  for (const s of ["cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCODE_EXEC_BUILD_TESTS=OFF", "cmake --build build --target code-exec"])
    if (!btext.replace(/\s+/g, " ").includes(s)) p.push(`build stage does not run "${s}"`);
  for (const pkg of RUNTIME_PACKAGES) if (!rtext.split(/\s+/).includes(pkg)) p.push(`runtime stage does not install ${pkg}`);
  if (/\bcurl\b|-dev\b/.test(rtext.replace(/ca-certificates/g, ""))) p.push("runtime stage installs curl or -dev packages");
  if (!/COPY --from=\S+ \S+ \/usr\/local\/bin\/code-exec/.test(rtext)) p.push("binary is not copied to /usr/local/bin/code-exec");
  if (!run.lines.some((l) => /^USER\s+10001(:10001)?$/.test(l))) p.push("runtime USER is not 10001");
  if (!run.lines.some((l) => /^EXPOSE\s+4001$/.test(l))) p.push("no EXPOSE 4001");
  if (!run.lines.some((l) => /^HEALTHCHECK\s.*CMD.*code-exec.*--healthcheck/.test(l))) p.push("HEALTHCHECK does not run code-exec --healthcheck");
  if (!fs.existsSync(path.join(DEPLOY, "Dockerfile.dockerignore"))) p.push("no deploy/Dockerfile.dockerignore");
  return { problems: p, note: `${stages.length} stages: ${build.from} -> ${run.from}, user 10001, port 4001` };
}
const RUNTIME_PACKAGES = ["libcaf-core0.17", "libboost-json1.81.0", "libboost-url1.81.0", "libicu72", "libmimalloc2.0", "libssl3", "libprometheus-cpp-core1.0", "libhiredis0.14", "ca-certificates"];

function composeRules() {
  const dir = path.join(DEPLOY, "compose");
  const doc = YAML.parse(fs.readFileSync(path.join(dir, "docker-compose.yml"), "utf8"), { merge: true });
  const s = doc.services || {};
  const p = [];
  for (const name of ["code-exec", "judge0-server", "judge0-workers", "judge0-db", "judge0-redis", "ratelimit-redis"]) if (!s[name]) p.push(`no service ${name}`);
  if (p.length) return { problems: p };
  if (s["judge0-server"].image !== "judge0/judge0:1.13.1" || s["judge0-workers"].image !== "judge0/judge0:1.13.1") p.push("Judge0 images are not judge0/judge0:1.13.1");
  if (!/^postgres:16(\.|$)/.test(s["judge0-db"].image)) p.push(`judge0-db image ${s["judge0-db"].image} is not postgres:16`);
  for (const r of ["judge0-redis", "ratelimit-redis"]) if (!/^redis:7(\.|$)/.test(s[r].image)) p.push(`${r} image ${s[r].image} is not redis:7`);
  if (s["judge0-workers"].privileged !== true) p.push("judge0-workers not privileged");
  if (s["code-exec"].build?.dockerfile !== "deploy/Dockerfile") p.push("code-exec is not built from deploy/Dockerfile");
  const ceEnv = readEnvFile(path.join(dir, "code-exec.env"));
  const k8sEnv = readEnvFile(path.join(DEPLOY, "k8s/base/code-exec/config.env"));
  const grace = num(ceEnv.get("SHUTDOWN_GRACE_MS")) / 1000;
  const sgp = /^(\d+)s$/.exec(s["code-exec"].stop_grace_period || "");
  if (!sgp || Number(sgp[1]) < grace + 10) p.push(`code-exec stop_grace_period ${s["code-exec"].stop_grace_period} < SHUTDOWN_GRACE_MS ${grace}s + 10 s`);
  const envKeys = new Set([...ceEnv.keys(), ...Object.keys(s["code-exec"].environment || {})]);
  for (const v of requiredVars().vars) if (!envKeys.has(v) && !PER_POD_VARS.includes(v)) p.push(`code-exec: ${v} not set`);
  for (const v of PER_POD_VARS) if (envKeys.has(v)) p.push(`code-exec: ${v} is fixed; every replica would be the same stream consumer (leave it unset)`);
  p.push(...composeStoreRules(s, ceEnv, dir));
  const same = (a, b, except, label) => {
    for (const [k, v] of a) if (!except.includes(k) && b.get(k) !== v) p.push(`${label}: ${k}=${v} vs ${b.get(k)}`);
    for (const k of b.keys()) if (!except.includes(k) && !a.has(k)) p.push(`${label}: ${k} only in the Kubernetes copy`);
  };
  // compose runs the redis store like the production overlays; the Kubernetes base stays memory.
  same(ceEnv, k8sEnv, ["JUDGE0_BASE_URL", "REDIS_URL", "CONVEX_SITE_URL", "SUBMISSION_STORE", "SUBMISSION_REDIS_URL"], "code-exec.env vs k8s config.env");
  same(readEnvFile(path.join(dir, "judge0.conf")), readEnvFile(path.join(DEPLOY, "k8s/base/judge0/judge0.env")), ["POSTGRES_HOST"], "judge0.conf vs k8s judge0.env");
  const example = readEnvFile(path.join(dir, ".env.example"));
  for (const m of fs.readFileSync(path.join(dir, "docker-compose.yml"), "utf8").matchAll(/\$\{([A-Z0-9_]+)/g))
    if (!example.has(m[1])) p.push(`\${${m[1]}} is not in .env.example`);
  return { problems: p, note: `${Object.keys(s).length} services; env files agree with Kubernetes` };
}

function ecsRules(tsProblems) {
  const td = JSON.parse(fs.readFileSync(path.join(DEPLOY, "ecs/task-definition.json"), "utf8"));
  const p = [...(tsProblems || []).map((m) => `type: ${m}`)];
  const c = (td.containerDefinitions || []).find((x) => x.name === "code-exec");
  if (!c) return { problems: [...p, "no container code-exec"] };
  const env = Object.fromEntries((c.environment || []).map((e) => [e.name, e.value]));
  const secrets = (c.secrets || []).map((s) => s.name);
  for (const v of requiredVars().vars) if (!(v in env) && !secrets.includes(v) && !PER_POD_VARS.includes(v)) p.push(`${v} not set`);
  for (const v of PER_POD_VARS) if (v in env || secrets.includes(v)) p.push(`${v} is fixed; every task would be the same stream consumer (leave it unset)`);
  p.push(...storeUrlRules(env, secrets.includes("SUBMISSION_REDIS_URL")));
  if (env.SUBMISSION_STORE !== "redis") p.push(`SUBMISSION_STORE=${env.SUBMISSION_STORE}: the production task runs the redis store (deploy/README.md "ECS")`);
  for (const s of SECRET_VARS) {
    if (s in env) p.push(`${s} in plain environment`);
    const e = (c.secrets || []).find((x) => x.name === s);
    if (!e || !/^arn:aws:(secretsmanager|ssm):/.test(e.valueFrom)) p.push(`${s} is not a Secrets Manager/SSM reference`);
  }
  const hc = c.healthCheck?.command || [];
  if (!(hc[0] === "CMD" && hc.includes("--healthcheck") && /code-exec$/.test(hc[1] || ""))) p.push("healthCheck is not [CMD, .../code-exec, --healthcheck]");
  if (!/^10001(:10001)?$/.test(c.user || "")) p.push(`user ${c.user} is not 10001`);
  if (c.readonlyRootFilesystem !== true) p.push("readonlyRootFilesystem is not true");
  if (!(c.linuxParameters?.capabilities?.drop || []).includes("ALL")) p.push("capabilities do not drop ALL");
  if (!(c.portMappings || []).some((m) => m.containerPort === num(env.PORT))) p.push(`no port mapping for PORT ${env.PORT}`);
  const grace = num(env.SHUTDOWN_GRACE_MS) / 1000, delay = num(env.SHUTDOWN_DELAY_MS) / 1000;
  const fargate = (td.requiresCompatibilities || []).includes("FARGATE");
  if (fargate && c.stopTimeout > 120) p.push(`stopTimeout ${c.stopTimeout} > 120 (the Fargate maximum)`);
  if (!(c.stopTimeout >= grace + 10)) p.push(`stopTimeout ${c.stopTimeout} < SHUTDOWN_GRACE_MS ${grace}s + 10 s`);
  if (!(grace > delay)) p.push("SHUTDOWN_GRACE_MS <= SHUTDOWN_DELAY_MS");
  const worst = memoryWorstCase(env).total;
  if (!(num(td.memory) * MiB >= worst)) p.push(`task memory ${td.memory} MiB < admission worst case ${mib(worst)}`);
  return { problems: p, note: `stopTimeout ${c.stopTimeout}s >= SHUTDOWN_GRACE ${grace}s + margin; ${secrets.length} secrets from Secrets Manager; memory ${td.memory} MiB >= ${mib(worst)}` };
}

// The packages the Dockerfile's last stage really installs (apt-get install ... in its RUN lines).
function dockerRuntimePackages() {
  const text = fs.readFileSync(path.join(DEPLOY, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const last = text.split(/^FROM\s/m).pop();
  const pkgs = new Set();
  for (const m of last.matchAll(/apt-get install ([^&;\n]*)/g))
    for (const w of m[1].trim().split(/\s+/)) if (/^[a-z0-9][a-z0-9.+-]+$/.test(w)) pkgs.add(w);
  return [...pkgs];
}

function runtimeLibs() {
  const bin = findBinary();
  if (!bin) return { skip: "no built binary (set CODE_EXEC_BINARY or build build/code-exec)" };
  let ldd;
  try {
    ldd = execFileSync("ldd", [bin], { encoding: "utf8" });
  } catch (e) {
    return { skip: `ldd failed on ${bin}` };
  }
  const closure = new Set(["libc6", "libstdc++6", "libgcc-s1", "zlib1g"]); // in debian:12-slim
  try {
    const out = execFileSync("apt-cache", ["depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", "--no-pre-depends", ...dockerRuntimePackages()], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    for (const l of out.split("\n")) {
      const m = /^\s*(?:\|?Depends:\s*)?<?([a-z0-9][a-z0-9+.-]+)>?\s*$/.exec(l);
      if (m) closure.add(m[1]);
    }
  } catch {
    return { skip: "apt-cache not available" };
  }
  const p = [];
  let n = 0;
  for (const l of ldd.split("\n")) {
    const m = /^\s*(\S+)\s+=>\s+(\S+)/.exec(l);
    if (!m) continue;
    if (m[2] === "not") { p.push(`${m[1]} not found`); continue; }
    if (/lib(asan|ubsan|lsan|tsan)\b/.test(m[1])) continue; // sanitizer builds are not what the image builds
    n++;
    let pkg = "";
    try {
      pkg = execFileSync("dpkg", ["-S", fs.realpathSync(m[2])], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split(":")[0];
    } catch {
      try { pkg = execFileSync("dpkg", ["-S", m[2]], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split(":")[0]; } catch { pkg = ""; }
    }
    if (!pkg) p.push(`${m[1]} (${m[2]}) belongs to no Debian package`);
    else if (!closure.has(pkg)) p.push(`${m[1]} comes from ${pkg}, which the runtime stage does not install`);
  }
  return { problems: p, note: `${n} shared libraries of ${shown(bin)} are provided by the runtime stage's packages` };
}

// Starts the built binary with a configuration (every address rewritten to loopback, port 0)
// and checks that it gets as far as listening: config/config.cpp accepts every value.
const shown = (f) => (path.resolve(f).startsWith(REPO + path.sep) ? path.relative(REPO, f) : f);
function findBinary() {
  const candidates = [process.env.CODE_EXEC_BINARY, path.join(REPO, "build", "code-exec")].filter(Boolean);
  return candidates.find((f) => fs.existsSync(f));
}
// The container's plain `value:` variables, with Kubernetes' $(VAR) references to the downward
// API's pod IP resolved to loopback (JUDGE0_CALLBACK_BASE_URL is built that way).
function plainEnv(c) {
  const out = {};
  for (const e of c.env || []) if (typeof e.value === "string") out[e.name] = e.value.replaceAll("$(POD_IP)", "127.0.0.1");
  return out;
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function serviceAccepts(env) {
  const bin = findBinary();
  if (!bin) return { skip: "no built binary (set CODE_EXEC_BINARY or build build/code-exec)" };
  // The store too: a redis-mode configuration must start (and answer 503) while its Redis is away.
  const e = { ...env, PORT: "0", BIND_ADDRESS: "127.0.0.1", JUDGE0_BASE_URL: "http://127.0.0.1:9", CONVEX_SITE_URL: "http://127.0.0.1:9", REDIS_URL: "redis://127.0.0.1:9", SUBMISSION_REDIS_URL: "redis://127.0.0.1:9", LOG_LEVEL: env.LOG_LEVEL || "info" };
  if (e.JUDGE0_CALLBACKS === "on") {
    // The configured port is fixed (4002); a free one keeps the checks independent of each other.
    const port = await freePort();
    e.JUDGE0_CALLBACK_PORT = String(port);
    e.JUDGE0_CALLBACK_BASE_URL = (e.JUDGE0_CALLBACK_BASE_URL || "http://127.0.0.1").replace(/:\d+\/?$/, "") + `:${port}`;
  }
  for (const s of SECRET_VARS) e[s] = e[s] || `dummy-${s.toLowerCase()}`;
  e.PATH = process.env.PATH;
  return new Promise((resolve) => {
    const child = spawn(bin, [], { env: e, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", done = false;
    const finish = (r) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try { child.kill("SIGTERM"); child.kill("SIGTERM"); } catch {}
      setTimeout(() => { try { child.kill("SIGKILL"); } catch {} }, 2000).unref();
      resolve(r);
    };
    const onData = (d) => {
      out += d;
      if (/"msg":"listening"/.test(out)) finish({ problems: [], note: `${shown(bin)} started with it`, config: startupConfig(out) });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => finish({ problems: [`exited with ${code} before listening: ${out.replace(/\s+/g, " ").slice(-400)}`] }));
    const timer = setTimeout(() => finish({ problems: [`not listening after 5 s: ${out.slice(-300)}`] }), 5000);
  });
}
// The effective configuration, which the binary logs at start ("starting code-exec").
function startupConfig(out) {
  for (const line of out.split("\n")) {
    try {
      const o = JSON.parse(line);
      if (o.config) return o.config;
    } catch {}
  }
  return null;
}
async function checkAsync(name, fn) {
  try {
    const r = await fn();
    check(name, () => r);
    return r;
  } catch (e) {
    report("FAIL", name, `check crashed: ${e}`);
    return null;
  }
}

// ---------------------------------------------------------------- operations (issue: deploy review)
const MiB = 1024 * 1024;
function bytesOf(q) {
  const m = /^([0-9.]+)([KMGT]i?)?$/.exec(String(q ?? ""));
  if (!m) return NaN;
  const f = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: MiB, Gi: 1024 * MiB, Ti: 1024 * 1024 * MiB };
  return Number(m[1]) * (m[2] ? f[m[2]] : 1);
}
// The memory one pod may need for everything admission lets in (deploy/README.md "Memory"):
// idle RSS, each waiting submission's bookkeeping plus the queued request bytes, every inbound
// connection's header cap plus a body being read, and each active submission's testcases (the
// HTTP client's 16 MiB response cap, about 3x once parsed).
const MEMORY_MODEL = { idle: 10 * MiB, perWaiting: 4100, headerCap: 16 * 1024, testcaseCap: 16 * MiB, parsedFactor: 3 };
const DEFAULTS = { MAX_CONNECTIONS: 1024, MAX_QUEUED_BYTES: 64 * MiB, MAX_BODY_BYTES: 1048576, MAX_ACTIVE_SUBMISSIONS: 64, MAX_QUEUED_SUBMISSIONS: 1024 };
function memoryWorstCase(env) {
  const v = (k) => num(env[k] ?? DEFAULTS[k]);
  const m = MEMORY_MODEL;
  const parts = {
    idle: m.idle,
    waiting: v("MAX_QUEUED_SUBMISSIONS") * m.perWaiting + v("MAX_QUEUED_BYTES"),
    connections: v("MAX_CONNECTIONS") * (m.headerCap + v("MAX_BODY_BYTES")),
    active: v("MAX_ACTIVE_SUBMISSIONS") * m.testcaseCap * m.parsedFactor,
  };
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}
const mib = (b) => `${Math.round(b / MiB)} MiB`;

function memoryRules(objs) {
  const ce = codeExec(objs);
  if (!ce) return { skip: "no code-exec Deployment" };
  const { total, parts } = memoryWorstCase(ce.env);
  const limit = bytesOf(ce.c.resources?.limits?.memory), request = bytesOf(ce.c.resources?.requests?.memory);
  const p = [];
  if (!(limit >= total)) p.push(`memory limit ${ce.c.resources?.limits?.memory} < admission worst case ${mib(total)}`);
  if (!(request >= 64 * MiB)) p.push(`memory request ${ce.c.resources?.requests?.memory} < the measured 64 MiB with 10,000 waiting`);
  const why = Object.entries(parts).map(([k, b]) => `${k} ${mib(b)}`).join(" + ");
  return { problems: p, note: `limit ${ce.c.resources?.limits?.memory} >= ${why} = ${mib(total)}` };
}

function autoscalerOwnershipRules(objs) {
  const p = [];
  const owners = objs.filter((o) => o.kind === "HorizontalPodAutoscaler" || o.kind === "ScaledObject");
  for (const a of owners) {
    const t = a.spec.scaleTargetRef;
    const d = find(objs, t.kind || "Deployment", a.metadata.namespace, t.name);
    if (d && d.spec.replicas !== undefined) p.push(`${short(d)} sets replicas ${d.spec.replicas}, but ${short(a)} owns it (every apply would reset it)`);
    if (t.name !== "code-exec") continue;
    if (a.kind === "HorizontalPodAutoscaler" && !(a.spec.metrics || []).some((m) => m.type === "Resource" && m.resource?.name === "cpu"))
      p.push(`${short(a)}: no CPU metric (nothing scales while prometheus-adapter is down)`);
    if (a.kind === "ScaledObject") {
      if (!(a.spec.triggers || []).some((x) => x.type === "cpu")) p.push(`${short(a)}: no cpu trigger (nothing scales while Prometheus is down)`);
      for (const x of (a.spec.triggers || []).filter((x) => x.type === "prometheus"))
        if (!/^\s*sum\s*\(\s*max\s+by\s*\(\s*pod\s*\)/.test(x.metadata.query)) p.push(`${short(a)}: query "${x.metadata.query}" is not sum(max by (pod)(...)), so a pod scraped twice counts twice`);
    }
  }
  return { problems: p, note: `${owners.length} autoscaler(s); their targets leave replicas to them` };
}

function disruptionRules(objs) {
  const p = [];
  for (const pdb of objs.filter((o) => o.kind === "PodDisruptionBudget"))
    if (pdb.spec.unhealthyPodEvictionPolicy !== "AlwaysAllow") p.push(`${short(pdb)}: unhealthyPodEvictionPolicy is not AlwaysAllow (NotReady pods would block drains)`);
  for (const name of ["code-exec", "judge0-server"]) {
    const d = objs.find((o) => o.kind === "Deployment" && o.metadata.name === name);
    if (!d) continue;
    const pdbs = objs.filter((o) => o.kind === "PodDisruptionBudget" && o.metadata.namespace === d.metadata.namespace && selectorMatches(o.spec.selector, d.spec.template.metadata.labels));
    if (pdbs.length !== 1) p.push(`${short(d)}: ${pdbs.length} PodDisruptionBudgets (one expected)`);
    for (const b of pdbs) if (b.spec.minAvailable !== undefined) p.push(`${short(b)}: minAvailable can block every drain at one replica; use maxUnavailable`);
    if (!d.spec.template.spec.containers.every((c) => c.lifecycle?.preStop)) p.push(`${short(d)}: no preStop delay (a rollout refuses connections mid-flight)`);
  }
  return { problems: p, note: "PDBs evict NotReady pods; code-exec and judge0-server have a PDB and a preStop delay" };
}

function retentionRules(objs) {
  const j = objs.find((o) => o.kind === "Deployment" && o.metadata.name === "judge0-server");
  if (!j) return { skip: "no Judge0 in this render" };
  const cj = find(objs, "CronJob", j.metadata.namespace, "judge0-retention");
  if (!cj) return { problems: [`no CronJob judge0-retention in namespace ${j.metadata.namespace}`] };
  const p = [];
  const spec = cj.spec.jobTemplate.spec.template.spec, c = spec.containers[0];
  const env = Object.fromEntries((c.env || []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
  for (const k of ["RETENTION_DAYS", "BATCH_SIZE", "MAX_BATCHES"]) if (!/^[1-9][0-9]*$/.test(env[k] || "")) p.push(`${k}=${env[k]} is not a positive whole number`);
  if (cj.spec.concurrencyPolicy !== "Forbid") p.push("concurrencyPolicy is not Forbid");
  if (!cj.spec.jobTemplate.spec.activeDeadlineSeconds) p.push("no activeDeadlineSeconds");
  const vol = (spec.volumes || []).find((v) => v.configMap);
  const cm = vol && find(objs, "ConfigMap", cj.metadata.namespace, vol.configMap.name);
  if (!cm || !cm.data?.["retention.sh"] || !cm.data?.["retention.sql"]) p.push("the mounted ConfigMap lacks retention.sh / retention.sql");
  else if (cm.data["retention.sql"] !== fs.readFileSync(path.join(DEPLOY, "k8s/base/judge0/retention.sql"), "utf8")) p.push("rendered retention.sql differs from the one deploy/check runs");
  return { problems: p, note: `${cj.spec.schedule}: finished submissions older than ${env.RETENTION_DAYS} days, ${env.BATCH_SIZE} rows x at most ${env.MAX_BATCHES} batches` };
}

// Production overlays: reachable by hosted Convex, alerts shipped, workers on their node pool.
function productionRules(objs) {
  if (!objs.some((o) => o.kind === "ServiceMonitor")) return { skip: "not a production render (no ServiceMonitor)" };
  const p = [];
  const ing = objs.find((o) => o.kind === "Ingress" && (o.spec.rules || []).some((r) => (r.http?.paths || []).some((x) => x.backend.service?.name === "code-exec")));
  if (!ing) p.push("no Ingress routes to code-exec (hosted Convex cannot reach it)");
  else {
    if (!(ing.spec.tls || []).length) p.push(`${short(ing)}: no TLS`);
    if (!ing.metadata.annotations?.["nginx.ingress.kubernetes.io/whitelist-source-range"]) p.push(`${short(ing)}: no source-range patch point`);
  }
  if (!objs.some((o) => o.kind === "PrometheusRule")) p.push("no PrometheusRule (alerts)");
  const w = objs.find((o) => o.kind === "Deployment" && o.metadata.name === "judge0-workers");
  const ws = w?.spec.template.spec;
  if (!ws?.nodeSelector?.["code-exec.io/judge0-workers"] || !(ws.tolerations || []).some((t) => t.key === "code-exec.io/judge0-workers"))
    p.push("judge0-workers are not pinned to the cgroup v1 node pool");
  return { problems: p, note: `Ingress ${ing?.spec.rules?.[0]?.host} with TLS; PrometheusRule; workers on the cgroup v1 pool` };
}

const minReplicasOf = (objs) => {
  const a = objs.find((o) => (o.kind === "HorizontalPodAutoscaler" || o.kind === "ScaledObject") && o.spec.scaleTargetRef.name === "code-exec");
  return a?.spec.minReplicas ?? a?.spec.minReplicaCount;
};
function productionMinimaAgree(renders) {
  const prod = renders.filter((r) => r.name.startsWith("overlays/production"));
  const mins = prod.map((r) => `${r.name} ${minReplicasOf(r.objects)}`);
  const values = new Set(prod.map((r) => minReplicasOf(r.objects)));
  return { problems: values.size === 1 && [...values][0] >= 3 ? [] : [`code-exec minimum replicas differ or are below 3 (one per zone): ${mins.join(", ")}`], note: mins.join(", ") };
}

// terminationGracePeriodSeconds >= preStop + SHUTDOWN_GRACE_MS + the coordinator's final-delivery
// bound, with the values the binary itself reports for this configuration.
function finalDeliveryBoundS() {
  const src = fs.readFileSync(path.join(REPO, "actors/shutdown_coordinator.cpp"), "utf8");
  const m = /kFinalDeliveryBound\s*=\s*std::chrono::seconds\((\d+)\)/.exec(src);
  return m ? Number(m[1]) : NaN;
}
function drainBound(ce, cfg) {
  if (!cfg) return { skip: "the binary logged no configuration" };
  const cmd = ce.c.lifecycle?.preStop?.exec?.command || [];
  const sleepS = ce.c.lifecycle?.preStop?.sleep?.seconds ?? Number(cmd[1]);
  const finalS = finalDeliveryBoundS(), graceS = cfg.SHUTDOWN_GRACE_MS / 1000, tgps = ce.pod.terminationGracePeriodSeconds;
  const need = sleepS + graceS + finalS;
  return { problems: need <= tgps ? [] : [`terminationGracePeriodSeconds ${tgps} < preStop ${sleepS} + SHUTDOWN_GRACE_MS ${graceS} + final delivery ${finalS} = ${need}`], note: `preStop ${sleepS} + SHUTDOWN_GRACE_MS ${graceS} + final delivery ${finalS} = ${need} <= ${tgps}` };
}

// ---------------------------------------------------------------- the submission store (issue #17)
// SUBMISSION_REDIS_URL as the service parses it: redis://[user:password@]host[:port][/db].
function parseRedisUrl(u) {
  let url;
  try { url = new URL(u); } catch { return { error: `${u} is no URL` }; }
  if (url.protocol === "rediss:") return { error: `${u}: rediss:// is refused at start (no TLS client)` };
  if (url.protocol !== "redis:") return { error: `${u} is not redis://` };
  const db = url.pathname && url.pathname !== "/" ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) return { error: `${u}: database ${url.pathname} is not a number` };
  return { host: url.hostname, port: Number(url.port || 6379), db, password: !!url.password };
}
// Rules every configuration (Kubernetes, compose, ECS) shares. passwordInSecret: the URL comes from
// a secret store, so a password in it is fine.
function storeUrlRules(env, passwordInSecret = false) {
  const p = [];
  const store = env.SUBMISSION_STORE;
  if (!["memory", "redis"].includes(store)) p.push(`SUBMISSION_STORE=${store} (memory or redis)`);
  const lease = num(env.SUBMISSION_LEASE_MS), attempts = num(env.SUBMISSION_MAX_ATTEMPTS);
  if (!(lease >= 300)) p.push(`SUBMISSION_LEASE_MS ${env.SUBMISSION_LEASE_MS} < 300 (the service's minimum)`);
  if (!(Number.isInteger(attempts) && attempts >= 1 && attempts <= 100)) p.push(`SUBMISSION_MAX_ATTEMPTS ${env.SUBMISSION_MAX_ATTEMPTS} not in 1..100`);
  if (store !== "redis" || passwordInSecret) return p;
  const url = parseRedisUrl(env.SUBMISSION_REDIS_URL || env.REDIS_URL || "redis://127.0.0.1:6379");
  if (url.error) return [...p, `SUBMISSION_REDIS_URL: ${url.error}`];
  if (url.password) p.push("SUBMISSION_REDIS_URL carries a password in plain configuration (move it into a Secret)");
  const rl = env.REDIS_URL ? parseRedisUrl(env.REDIS_URL) : {};
  if (!env.SUBMISSION_REDIS_URL || (rl.host === url.host && rl.port === url.port))
    p.push(`SUBMISSION_REDIS_URL ${env.SUBMISSION_REDIS_URL || "(unset: REDIS_URL)"} is the rate limiter's Redis (REDIS_URL), which has no persistence`);
  return p;
}

// Directives of a Redis configuration: a config file's lines, then `--key value` arguments
// (which override the file, as redis-server applies them after it).
function redisDirectives(fileText, argv) {
  const d = {};
  for (const raw of (fileText || "").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(\S+)\s*(.*)$/.exec(line);
    d[m[1].toLowerCase()] = m[2].trim().replace(/^"(.*)"$/, "$1");
  }
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) continue;
    const vals = [];
    while (i + 1 < argv.length && !argv[i + 1].startsWith("--")) vals.push(argv[++i]);
    d[argv[i - vals.length].slice(2).toLowerCase()] = vals.join(" ");
  }
  return d;
}
// The properties a store Redis must have, whatever runs it.
function redisDurabilityRules(d, where) {
  const p = [];
  if (d.appendonly !== "yes") p.push(`${where}: appendonly is ${d.appendonly ?? "no (default)"}, not yes`);
  if (!["everysec", "always", undefined].includes(d.appendfsync)) p.push(`${where}: appendfsync ${d.appendfsync} (everysec or always; "no" leaves the loss window to the kernel)`);
  if ((d["maxmemory-policy"] ?? "noeviction") !== "noeviction") p.push(`${where}: maxmemory-policy ${d["maxmemory-policy"]} may evict accepted submissions (noeviction)`);
  return p;
}

// The Service (and its pods) that SUBMISSION_REDIS_URL names, inside a render.
function storeTarget(objs, ce) {
  const url = parseRedisUrl(ce.env.SUBMISSION_REDIS_URL || "");
  if (url.error) return { error: url.error };
  const labels = url.host.replace(/\.svc(\.cluster\.local)?$/, "").split(".");
  const [svcName, ns] = labels.length >= 3 ? [labels[1], labels[2]] : [labels[0], labels[1] || ce.ns];
  const svc = find(objs, "Service", ns, svcName);
  if (!svc) return { error: `SUBMISSION_REDIS_URL host ${url.host}: no Service ${ns}/${svcName} in this render` };
  const sp = (svc.spec.ports || []).find((x) => x.port === url.port);
  if (!sp) return { error: `Service ${ns}/${svcName} has no port ${url.port}` };
  const owners = workloads(objs).filter((w) => w.metadata.namespace === ns && selectorMatches({ matchLabels: svc.spec.selector }, podTemplate(w).metadata?.labels));
  return { url, svc, sp, ns, owners };
}
// The Redis configuration of a workload: args (redis-server [file] [--k v ...]) and the mounted
// ConfigMap file they name.
function workloadRedisConfig(objs, w) {
  const spec = podTemplate(w).spec;
  const c = spec.containers.find((x) => /(^|\/)redis(:|@)/.test(x.image)) || spec.containers[0];
  const argv = [...(c.command || []), ...(c.args || [])];
  if (argv[0] === "redis-server") argv.shift();
  let fileText = "", file = null;
  if (argv[0] && !argv[0].startsWith("--")) {
    file = argv.shift();
    const mount = (c.volumeMounts || []).find((m) => file === path.posix.join(m.mountPath, path.posix.basename(file)) || file.startsWith(m.mountPath + "/"));
    const vol = mount && (spec.volumes || []).find((v) => v.name === mount.name);
    const cm = vol?.configMap && find(objs, "ConfigMap", w.metadata.namespace, vol.configMap.name);
    const key = mount?.subPath || path.posix.relative(mount?.mountPath || "/", file);
    fileText = cm?.data?.[key];
    if (fileText === undefined) return { c, error: `${short(w)}: config file ${file} is not in a mounted ConfigMap` };
  }
  return { c, file, fileText, extra: argv, d: redisDirectives(fileText, argv) };
}

// Kubernetes: production runs redis; the URL names a StatefulSet Redis with AOF on a PVC; every pod
// has its own consumer name.
function storeRules(name, objs) {
  const ce = codeExec(objs);
  if (!ce) return { skip: "no code-exec Deployment" };
  const p = storeUrlRules(ce.env);
  const production = name.startsWith("overlays/production");
  if (production && ce.env.SUBMISSION_STORE !== "redis") p.push(`SUBMISSION_STORE=${ce.env.SUBMISSION_STORE}: production overlays run the redis store (issue #17)`);
  for (const v of PER_POD_VARS) {
    if (v in ce.env) p.push(`${v} is in a ConfigMap: every pod would be the same stream consumer`);
    const e = (ce.c.env || []).find((x) => x.name === v);
    if (e?.valueFrom?.fieldRef?.fieldPath !== "metadata.name") p.push(`${v} is not the downward API's metadata.name`);
  }
  if (ce.env.SUBMISSION_STORE !== "redis") return { problems: p, note: `SUBMISSION_STORE=${ce.env.SUBMISSION_STORE}: per-pod queues, no store Redis needed` };
  const t = storeTarget(objs, ce);
  if (t.error) return { problems: [...p, t.error] };
  const sts = t.owners.filter((w) => w.kind === "StatefulSet");
  if (t.owners.length !== 1 || sts.length !== 1) return { problems: [...p, `${short(t.svc)} selects ${t.owners.map(short).join(", ") || "nothing"}; expected exactly one StatefulSet`] };
  const w = sts[0], spec = podTemplate(w).spec;
  for (const other of ["judge0-redis", "ratelimit-redis"]) if (w.metadata.name === other) p.push(`the store is ${other}, which keeps no data`);
  if (w.spec.replicas !== undefined && w.spec.replicas !== 1) p.push(`${short(w)}: ${w.spec.replicas} replicas of a standalone Redis are independent stores (1 expected)`);
  const cfg = workloadRedisConfig(objs, w);
  if (cfg.error) return { problems: [...p, cfg.error] };
  p.push(...redisDurabilityRules(cfg.d, short(w)));
  const m = /^redis:(\d+)/.exec(cfg.c.image.split("/").pop());
  if (!m || Number(m[1]) < 7) p.push(`${short(w)}: image ${cfg.c.image} is not Redis 7+ (XINFO GROUPS reports the lag that KEDA's lagCount reads only from 7 on)`);
  const portOk = (cfg.c.ports || []).some((x) => x.containerPort === num(cfg.d.port ?? 6379) && (x.name === t.sp.targetPort || x.containerPort === t.sp.targetPort));
  if (!portOk) p.push(`${short(t.svc)} port ${t.sp.port} -> ${t.sp.targetPort} is not the Redis port ${cfg.d.port ?? 6379}`);
  const dir = cfg.d.dir || "/data";
  const claims = (w.spec.volumeClaimTemplates || []).map((v) => v.metadata.name);
  const dataMount = (cfg.c.volumeMounts || []).find((x) => x.mountPath === dir);
  if (!claims.length) p.push(`${short(w)}: no volumeClaimTemplates (no PVC)`);
  else if (!dataMount || !claims.includes(dataMount.name)) p.push(`${short(w)}: Redis dir ${dir} is not on the PVC (${claims.join(", ")})`);
  else if ((spec.volumes || []).some((v) => v.name === dataMount.name)) p.push(`${short(w)}: volume ${dataMount.name} shadows its PVC template`);
  const maxmem = bytesOf(String(cfg.d.maxmemory || "").replace(/b$/i, "").replace(/^(\d+)([kmg])$/i, (_, n, u) => `${n}${u.toUpperCase()}i`));
  const limit = bytesOf(cfg.c.resources?.limits?.memory);
  if (!(maxmem > 0)) p.push(`${short(w)}: no maxmemory (the kernel would kill Redis before it refuses writes)`);
  else if (!(maxmem < limit)) p.push(`${short(w)}: maxmemory ${cfg.d.maxmemory} >= memory limit ${cfg.c.resources?.limits?.memory}`);
  return { problems: p, note: `${t.url.host}:${t.url.port} -> ${short(w)}: appendonly ${cfg.d.appendonly}, appendfsync ${cfg.d.appendfsync ?? "everysec"}, ${cfg.d["maxmemory-policy"] ?? "noeviction"}, dir ${dir} on PVC ${dataMount?.name}; POD_NAME from metadata.name` };
}

// NetworkPolicy semantics: traffic from pod A to pod B on a port passes when A's egress and B's
// ingress both allow it (a side that no policy of that direction selects allows everything).
function peerMatches(peer, policyNs, podNs, podLabels, objs) {
  if (peer.ipBlock) return false; // pod addresses are private; the rules here name pods
  const nsObj = find(objs, "Namespace", undefined, podNs);
  const nsLabels = { "kubernetes.io/metadata.name": podNs, ...(nsObj?.metadata.labels || {}) };
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, nsLabels)) return false;
  } else if (podNs !== policyNs) return false;
  return !peer.podSelector || selectorMatches(peer.podSelector, podLabels);
}
function portMatches(ports, port, portName) {
  if (!ports || !ports.length) return true;
  return ports.some((x) => (x.protocol || "TCP") === "TCP" && (x.port === undefined || x.port === port || x.port === portName));
}
function allows(objs, dir, ns, labels, peerNs, peerLabels, port, portName) {
  const type = dir === "egress" ? "Egress" : "Ingress";
  const pols = objs.filter((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === ns && selectorMatches(o.spec.podSelector, labels) && (o.spec.policyTypes || ["Ingress"]).includes(type));
  if (!pols.length) return true;
  return pols.some((np) => (np.spec[dir] || []).some((rule) => {
    const peers = rule[dir === "egress" ? "to" : "from"];
    const peerOk = !peers || !peers.length || peers.some((x) => peerMatches(x, ns, peerNs, peerLabels, objs));
    return peerOk && portMatches(rule.ports, port, portName);
  }));
}
function storeNetworkRules(objs) {
  const ce = codeExec(objs);
  if (!ce || ce.env.SUBMISSION_STORE !== "redis") return { skip: "no redis store in this render" };
  const t = storeTarget(objs, ce);
  if (t.error || t.owners.length !== 1) return { problems: [t.error || "the store's Service selects no single workload"] };
  const store = t.owners[0], sLabels = podTemplate(store).metadata.labels, cLabels = ce.dep.spec.template.metadata.labels;
  const c = podTemplate(store).spec.containers[0];
  const cport = (c.ports || []).find((x) => x.name === t.sp.targetPort || x.containerPort === t.sp.targetPort);
  const port = cport?.containerPort ?? t.sp.targetPort, portName = cport?.name;
  const p = [];
  if (!allows(objs, "egress", ce.ns, cLabels, t.ns, sLabels, port, portName)) p.push(`code-exec's egress policy does not allow ${short(store)}:${port}`);
  if (!allows(objs, "ingress", t.ns, sLabels, ce.ns, cLabels, port, portName)) p.push(`${short(store)}'s ingress policy does not admit code-exec on ${port}`);
  // Only code-exec (and the KEDA operator) may connect: some ingress policy selects the store, and
  // none admits an arbitrary pod of its namespace or of a foreign one.
  const ingress = objs.filter((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === t.ns && selectorMatches(o.spec.podSelector, sLabels) && (o.spec.policyTypes || ["Ingress"]).includes("Ingress"));
  if (!ingress.length) p.push(`no NetworkPolicy restricts ingress to ${short(store)} (any pod could read submissions)`);
  if (allows(objs, "ingress", t.ns, sLabels, t.ns, { "app.kubernetes.io/name": "some-other-pod" }, port, portName)) p.push(`${short(store)} admits any pod of namespace ${t.ns}`);
  if (allows(objs, "ingress", t.ns, sLabels, "some-other-namespace", {}, port, portName)) p.push(`${short(store)} admits other namespaces`);
  if (ingress.some((np) => (np.spec.ingress || []).some((rule) => (rule.from || []).some((x) => x.ipBlock)))) p.push(`${short(store)} admits addresses by ipBlock`);
  const keda = objs.some((o) => o.kind === "ScaledObject" && (o.spec.triggers || []).some((x) => x.type === "redis-streams"));
  if (keda && !allows(objs, "ingress", t.ns, sLabels, "keda", { app: "keda-operator", "app.kubernetes.io/name": "keda-operator" }, port, portName))
    p.push(`${short(store)} does not admit the KEDA operator (namespace keda), so the redis-streams trigger cannot read the lag`);
  return { problems: p, note: `code-exec -> ${short(store)}:${port} allowed both ways; nothing else${keda ? " but the KEDA operator" : ""} admitted` };
}

// KEDA: in redis mode the code-exec ScaledObject scales on the stream's backlog, with KEDA's own
// redis-streams scaler: the group's lag (entries no pod has read), not XPENDING (entries pods run).
function kedaStoreRules(objs) {
  const ce = codeExec(objs);
  const so = objs.find((o) => o.kind === "ScaledObject" && o.spec.scaleTargetRef.name === "code-exec");
  if (!ce || !so) return { skip: "no code-exec ScaledObject" };
  const trig = (so.spec.triggers || []).filter((x) => x.type === "redis-streams");
  const p = [];
  if (ce.env.SUBMISSION_STORE !== "redis") {
    if (trig.length) p.push(`${short(so)}: redis-streams trigger, but SUBMISSION_STORE=${ce.env.SUBMISSION_STORE} writes no stream`);
    return p.length ? p : { skip: "memory store: no stream to scale on" };
  }
  if (trig.length !== 1) return [`${short(so)}: ${trig.length} redis-streams triggers (one on ${STORE_STREAM} expected)`];
  const m = trig[0].metadata || {};
  if (m.stream !== STORE_STREAM) p.push(`stream ${m.stream} != ${STORE_STREAM}`);
  if (m.consumerGroup !== STORE_GROUP) p.push(`consumerGroup ${m.consumerGroup} != ${STORE_GROUP}`);
  const lag = num(m.lagCount), active = num(ce.env.MAX_ACTIVE_SUBMISSIONS);
  if (!(Number.isInteger(lag) && lag > 0 && lag <= active)) p.push(`lagCount ${m.lagCount} not in 1..MAX_ACTIVE_SUBMISSIONS ${active} (without it KEDA scales on XPENDING, the running entries)`);
  for (const k of ["pendingEntriesCount", "streamLength"]) if (k in m) p.push(`${k} is set; KEDA ignores it next to lagCount (misleading)`);
  if ((trig[0].metricType || "AverageValue") !== "AverageValue") p.push(`metricType ${trig[0].metricType}: lag / replicas against lagCount needs AverageValue`);
  if (String(m.enableTLS || "false") !== "false") p.push("enableTLS on, but the store speaks plain redis:// (code-exec refuses rediss://)");
  const t = storeTarget(objs, ce);
  if (t.error) p.push(t.error);
  else {
    const addr = m.address || (m.host && `${m.host}:${m.port}`);
    if (m.addressFromEnv || m.hostFromEnv) p.push("address from the target's env is not checked here; name the Service");
    else if (addr !== `${t.url.host}:${t.url.port}`) p.push(`address ${addr} != SUBMISSION_REDIS_URL's ${t.url.host}:${t.url.port}`);
    if (num(m.databaseIndex ?? 0) !== t.url.db) p.push(`databaseIndex ${m.databaseIndex ?? 0} != SUBMISSION_REDIS_URL's ${t.url.db}`);
  }
  if (!(so.spec.triggers || []).some((x) => x.type === "prometheus")) p.push(`${short(so)}: the active-submissions trigger is gone`);
  return { problems: p, note: `redis-streams lag of ${m.stream}/${m.consumerGroup} at ${m.address}, ${m.lagCount} per pod, beside ${(so.spec.triggers || []).filter((x) => x !== trig[0]).map((x) => x.type).join(" + ")}` };
}

// compose: the store URL names a service whose Redis has AOF on a volume.
function composeStoreRules(services, ceEnv, dir) {
  const env = Object.fromEntries(ceEnv);
  const p = storeUrlRules(env);
  if (env.SUBMISSION_STORE !== "redis" || p.length) return p;
  const url = parseRedisUrl(env.SUBMISSION_REDIS_URL);
  const svc = services[url.host];
  if (!svc) return [`SUBMISSION_REDIS_URL host ${url.host} is no compose service`];
  const cmd = Array.isArray(svc.command) ? [...svc.command] : String(svc.command || "").split(/\s+/).filter(Boolean);
  if (cmd[0] === "redis-server") cmd.shift();
  let fileText = "";
  if (cmd[0] && !cmd[0].startsWith("--")) {
    const file = cmd.shift();
    const vol = (svc.volumes || []).map((v) => (typeof v === "string" ? v.split(":") : [v.source, v.target])).find(([, target]) => target === file);
    if (!vol) return [`${url.host}: config ${file} is not mounted`];
    fileText = fs.readFileSync(path.resolve(dir, vol[0]), "utf8");
  }
  const d = redisDirectives(fileText, cmd);
  p.push(...redisDurabilityRules(d, `compose ${url.host}`));
  const dataDir = d.dir || "/data";
  if (!(svc.volumes || []).some((v) => (typeof v === "string" ? v.split(":")[1] : v.target) === dataDir)) p.push(`compose ${url.host}: ${dataDir} is on no volume (the AOF dies with the container)`);
  if ((services["code-exec"].depends_on || {})[url.host]?.condition !== "service_healthy") p.push(`code-exec does not wait for ${url.host} to be healthy`);
  return p;
}

// Debian's redis-server (tools/bootstrap installs it) loads each rendered store configuration on
// loopback, in a scratch directory: a typo in redis.conf would stop the real one from starting.
async function storeConfigLoads(renders) {
  let bin;
  try { bin = execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim(); } catch { bin = ""; }
  if (!bin) return { skip: "redis-server not installed (tools/bootstrap installs it)" };
  const configs = new Map();
  for (const r of renders) {
    const ce = codeExec(r.objects);
    if (!ce || ce.env.SUBMISSION_STORE !== "redis") continue;
    const t = storeTarget(r.objects, ce);
    if (t.error || t.owners.length !== 1) continue;
    const cfg = workloadRedisConfig(r.objects, t.owners[0]);
    if (!cfg.error) configs.set(JSON.stringify([cfg.fileText, cfg.extra]), { r: r.name, cfg });
  }
  if (!configs.size) return { problems: ["no render has a store Redis to load"] };
  const p = [], notes = [];
  let n = 0;
  for (const [, { r, cfg }] of configs) {
    const scratch = path.join(WORK, `store-redis-${n++}`);
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.mkdirSync(scratch, { recursive: true });
    const conf = path.join(scratch, "redis.conf");
    // redis-server changes into `dir` while it parses the file, before any --dir argument: point
    // that one line at the scratch directory.
    fs.writeFileSync(conf, cfg.fileText.replace(/^\s*dir\s.*$/m, `dir ${scratch}`));
    const port = await freePort();
    const args = [conf, ...cfg.extra, "--port", String(port), "--bind", "127.0.0.1", "--dir", scratch, "--daemonize", "no"];
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const cli = (...a) => execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...a], { encoding: "utf8", timeout: 3000, stdio: ["ignore", "pipe", "ignore"] }).trim();
    try {
      let up = false;
      for (let i = 0; i < 50 && !up && child.exitCode === null; i++) {
        try { up = cli("ping") === "PONG"; } catch {}
        if (!up) await new Promise((res) => setTimeout(res, 100));
      }
      if (!up) { p.push(`${r}: redis-server did not start with the rendered config: ${out.replace(/\s+/g, " ").slice(-300)}`); continue; }
      const get = (k) => cli("config", "get", k).split("\n")[1];
      for (const [k, want] of [["appendonly", "yes"], ["appendfsync", cfg.d.appendfsync || "everysec"], ["maxmemory-policy", "noeviction"]])
        if (get(k) !== want) p.push(`${r}: the running Redis has ${k}=${get(k)}, not ${want}`);
      // The stream the service writes and the lag KEDA reads (XINFO GROUPS, Redis 7+).
      cli("xgroup", "create", STORE_STREAM, STORE_GROUP, "$", "mkstream");
      cli("xadd", STORE_STREAM, "*", "probe", "1");
      const info = cli("xinfo", "groups", STORE_STREAM).split("\n");
      const lag = info[info.indexOf("lag") + 1];
      if (!info.includes("lag") || lag !== "1") p.push(`${r}: XINFO GROUPS reports lag ${lag} for one unread entry (KEDA's lagCount needs Redis 7)`);
      if (!fs.existsSync(path.join(scratch, get("appenddirname") || "appendonlydir"))) p.push(`${r}: no AOF directory was written`);
      notes.push(`${r}: ${cli("info", "server").match(/redis_version:(\S+)/)?.[1]} appendonly yes, lag ${lag}`);
    } finally {
      try { child.kill("SIGTERM"); } catch {}
      await new Promise((res) => (child.exitCode !== null ? res() : child.once("exit", res)));
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  return { problems: p, note: `${shown(bin)} on 127.0.0.1 loaded ${configs.size} distinct config(s): ${notes.join("; ")}` };
}

// ---------------------------------------------------------------- main
const renders = loadRendered();
const ecsFile = path.join(DEPLOY, "ecs/task-definition.json");
const { perRender, ecsProblems } = await schemaChecks(renders, ecsFile);
for (const r of renders) {
  check(`schema ${r.name}`, () => ({ problems: perRender.get(r.name), note: `${r.objects.length} objects valid, no unknown fields` }));
}
const adapter = adapterRule(renders);
check("prometheus-adapter rule metric name", () => adapter);
for (const r of renders.filter((x) => x.objects.some((o) => o.kind === "Deployment"))) {
  check(`config variables ${r.name}`, () => envRules(r.objects));
  check(`probes and drain timing ${r.name}`, () => drainRules(r.objects));
  check(`hardening and resources ${r.name}`, () => hardeningRules(r.objects));
  check(`references ${r.name}`, () => referenceRules(r.objects));
  check(`autoscaling and Judge0 sizing ${r.name}`, () => scalingRules(r.objects, adapter.metric));
  check(`memory limit covers admission ${r.name}`, () => memoryRules(r.objects));
  check(`autoscaler owns replicas, CPU fallback, one count per pod ${r.name}`, () => autoscalerOwnershipRules(r.objects));
  check(`disruption budgets and preStop ${r.name}`, () => disruptionRules(r.objects));
  check(`Judge0 retention CronJob ${r.name}`, () => retentionRules(r.objects));
  check(`production reachability, alerts, node pool ${r.name}`, () => productionRules(r.objects));
  check(`submission store ${r.name}`, () => storeRules(r.name, r.objects));
  check(`network path to the submission store ${r.name}`, () => storeNetworkRules(r.objects));
  check(`KEDA scales on the stream backlog ${r.name}`, () => kedaStoreRules(r.objects));
}
await checkAsync("store redis.conf loads in a real redis-server", () => storeConfigLoads(renders));
check("production overlays agree on the minimum replicas", () => productionMinimaAgree(renders));
check(`metrics file has ${METRIC}`, metricsFile);
check("Dockerfile policy", dockerfileRules);
check("compose policy", composeRules);
check("ECS task definition", () => ecsRules(ecsProblems));
if (!findBinary()) {
  report("SKIP", "binary checks (runtime image libraries; service accepts each configuration)", "no built binary (set CODE_EXEC_BINARY or build build/code-exec)");
} else {
  check("runtime image libraries", runtimeLibs);
  for (const r of renders) {
    const ce = codeExec(r.objects);
    if (!ce) continue;
    const started = await checkAsync(`service accepts the config of ${r.name}`, () => serviceAccepts({ ...ce.env, ...plainEnv(ce.c) }));
    check(`drain fits terminationGracePeriodSeconds ${r.name} (binary's values)`, () => drainBound(ce, started?.config));
  }
  const composeEnv = Object.fromEntries(readEnvFile(path.join(DEPLOY, "compose/code-exec.env")));
  await checkAsync("service accepts compose/code-exec.env", () => serviceAccepts(composeEnv));
  const td = JSON.parse(fs.readFileSync(ecsFile, "utf8"));
  const c = td.containerDefinitions.find((x) => x.name === "code-exec");
  const ecsEnv = Object.fromEntries((c.environment || []).map((x) => [x.name, x.value]));
  await checkAsync("service accepts the ECS environment", () => serviceAccepts(ecsEnv));
}
