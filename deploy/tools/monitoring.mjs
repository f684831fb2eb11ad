// Offline checks of the monitoring files, run by deploy/check with Debian's promtool:
//
//   node monitoring.mjs --deploy <deploy dir> --rendered <dir> --work <dir>
//
//  - deploy/prometheus/code-exec.rules.yml passes `promtool check rules` and its unit tests
//    (`promtool test rules`), and every rule has a unit test;
//  - the PrometheusRule of components/alerts (as rendered) holds exactly the same groups;
//  - every alert has a summary, a description and a runbook section in deploy/README.md;
//  - every Grafana panel query of deploy/grafana/*.json is a valid PromQL expression (written as a
//    rules file for promtool, with the dashboard variables substituted).
// One line per check: PASS / FAIL / SKIP.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { isDeepStrictEqual } from "node:util";
import YAML from "yaml";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
const DEPLOY = path.resolve(args.deploy), RENDERED = path.resolve(args.rendered), WORK = path.resolve(args.work);
const RULES = path.join(DEPLOY, "prometheus/code-exec.rules.yml");
const TESTS = path.join(DEPLOY, "prometheus/code-exec.rules.test.yml");

function check(name, fn) {
  try {
    const r = fn() || {};
    if (r.skip) return console.log(`SKIP ${name}: ${r.skip}`);
    const p = r.problems || [];
    console.log(p.length ? `FAIL ${name}: ${p.slice(0, 8).join("; ")}` : `PASS ${name}${r.note ? `: ${r.note}` : ""}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${String(e.stdout || "") + String(e.stderr || "") || e.message}`.replace(/\s+/g, " ").slice(0, 900));
  }
}
function promtool(...a) {
  return execFileSync("promtool", a, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60000 });
}
const lastLine = (s) => s.trim().split("\n").pop().trim();

const rules = YAML.parse(fs.readFileSync(RULES, "utf8"));
const all = rules.groups.flatMap((g) => g.rules);
const alerts = all.filter((r) => r.alert), records = all.filter((r) => r.record);

check("promtool check rules prometheus/code-exec.rules.yml", () => ({ note: lastLine(promtool("check", "rules", RULES)) }));
check("promtool test rules prometheus/code-exec.rules.test.yml", () => ({ note: lastLine(promtool("test", "rules", TESTS)) }));

check("every rule has a unit test (alerts: firing and not firing)", () => {
  const t = YAML.parse(fs.readFileSync(TESTS, "utf8"));
  const exprTests = t.tests.flatMap((x) => x.promql_expr_test || []);
  const alertTests = t.tests.flatMap((x) => x.alert_rule_test || []);
  const p = [];
  for (const r of records) if (!exprTests.some((x) => x.expr === r.record)) p.push(`recording rule ${r.record} has no promql_expr_test`);
  for (const a of alerts) {
    const mine = alertTests.filter((x) => x.alertname === a.alert);
    if (!mine.some((x) => (x.exp_alerts || []).length)) p.push(`${a.alert}: no case where it fires`);
    if (!mine.some((x) => !(x.exp_alerts || []).length)) p.push(`${a.alert}: no case where it must not fire`);
  }
  return { problems: p, note: `${records.length} recording rules, ${alerts.length} alerts` };
});

check("alerts carry summary, description and a runbook section in deploy/README.md", () => {
  const readme = fs.readFileSync(path.join(DEPLOY, "README.md"), "utf8");
  const headings = new Set([...readme.matchAll(/^#{2,4}\s+(\S+)/gm)].map((m) => m[1].toLowerCase()));
  const p = [];
  for (const a of alerts) {
    for (const k of ["summary", "description"]) if (!a.annotations?.[k]) p.push(`${a.alert}: no ${k}`);
    if (a.annotations?.runbook_url !== `deploy/README.md#${a.alert.toLowerCase()}`) p.push(`${a.alert}: runbook_url is not deploy/README.md#${a.alert.toLowerCase()}`);
    if (!headings.has(a.alert.toLowerCase())) p.push(`${a.alert}: no "### ${a.alert}" section in deploy/README.md`);
    if (!a.labels?.severity) p.push(`${a.alert}: no severity label`);
  }
  return { problems: p, note: alerts.map((a) => a.alert).join(", ") };
});

check("PrometheusRule (components/alerts) holds the same groups as prometheus/code-exec.rules.yml", () => {
  const index = JSON.parse(fs.readFileSync(path.join(RENDERED, "index.json"), "utf8"));
  const p = [];
  let seen = 0;
  for (const { name, file } of index) {
    const objs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJS()).filter(Boolean);
    for (const pr of objs.filter((o) => o.kind === "PrometheusRule")) {
      seen++;
      if (!isDeepStrictEqual(pr.spec.groups, rules.groups)) p.push(`${name}: PrometheusRule ${pr.metadata.name} differs from code-exec.rules.yml (copy its groups under spec)`);
    }
  }
  if (!seen) p.push("no render contains a PrometheusRule");
  return { problems: p, note: `${seen} rendered PrometheusRule(s) equal the plain rules file` };
});

// Dashboard variables get values that make the query concrete for promtool.
const VARIABLES = { __rate_interval: "5m", __interval: "1m", namespace: "code-exec" };
const concrete = (expr) => expr.replace(/\$\{?(\w+)\}?/g, (m, v) => VARIABLES[v] ?? m);
for (const file of fs.readdirSync(path.join(DEPLOY, "grafana")).filter((f) => f.endsWith(".json"))) {
  check(`promtool checks every panel query of grafana/${file}`, () => {
    const dash = JSON.parse(fs.readFileSync(path.join(DEPLOY, "grafana", file), "utf8"));
    const exprs = [];
    for (const panel of dash.panels || [])
      for (const t of panel.targets || []) if (t.expr) exprs.push({ record: `dashboard:panel_${panel.id}_${t.refId}`, expr: concrete(t.expr) });
    const p = exprs.filter((e) => /\$/.test(e.expr)).map((e) => `${e.record}: unknown variable in ${e.expr}`);
    const out = path.join(WORK, `grafana-${path.basename(file, ".json")}.rules.yml`);
    fs.writeFileSync(out, YAML.stringify({ groups: [{ name: `grafana ${file}`, rules: exprs }] }));
    promtool("check", "rules", out);
    return { problems: p, note: `${exprs.length} queries of ${dash.panels.length} panels are valid PromQL` };
  });
}
