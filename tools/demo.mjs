// Drives the local stack like Convex would: posts the sample submissions to code-exec and prints
// each submission's journey (queued -> running -> verdict) as convex-dev records it, and how many
// Judge0 API requests it took (from code-exec's log line of the verdict).
// Usage: node tools/demo.mjs --code-exec URL --convex URL --key KEY [--service-log FILE]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : true]);
    return acc;
  }, []),
);
const codeExec = args["code-exec"];
const convex = args.convex;
const key = args.key;
const samples = JSON.parse(readFileSync(join(here, "samples", "submissions.json"), "utf8")).submissions;

const serviceLog = typeof args["service-log"] === "string" ? args["service-log"] : null;

// "N Judge0 calls" from the "submission judged" line of code-exec's log, or "" without it.
function judge0Calls(id) {
  if (!serviceLog) return "";
  let text = "";
  try {
    text = readFileSync(serviceLog, "utf8");
  } catch {
    return "";
  }
  for (const line of text.split("\n")) {
    if (!line.includes('"submission judged"')) continue;
    try {
      const o = JSON.parse(line);
      if (o.submission_id === id) return `, ${o.judge0_calls} Judge0 calls`;
    } catch {}
  }
  return "";
}

const pad = (s, n) => String(s).padEnd(n).slice(0, n);
const started = Date.now();
const rows = new Map();

async function submit(s) {
  const body = {
    questionId: s.questionId,
    submissionId: s.submissionId,
    languageId: s.languageId,
    sourceCode: readFileSync(join(here, "samples", s.sourceFile), "utf8"),
  };
  if (s.submissionKind && s.submissionKind !== "standard") body.submissionKind = s.submissionKind;
  await fetch(`${convex}/dev/submissions`, {
    method: "POST",
    signal: AbortSignal.timeout(10_000),
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      submissionId: s.submissionId,
      questionId: s.questionId,
      submissionKind: s.submissionKind ?? "standard",
    }),
  }).catch(() => {});
  const t0 = Date.now();
  const res = await fetch(`${codeExec}/v1/judge-question`, {
    method: "POST",
    signal: AbortSignal.timeout(10_000),
    headers: { "content-type": "application/json", "x-code-exec-key": key, "x-request-id": `demo-${s.submissionId}` },
    body: JSON.stringify(body),
  });
  const row = { sample: s, accept: `${res.status} in ${Date.now() - t0} ms`, journey: "queued", verdict: "" };
  rows.set(s.submissionId, row);
  if (res.status !== 202) {
    row.done = true;
    row.ok = false;
    console.log(`${pad(s.submissionId, 30)} ${pad(row.accept, 14)} ${pad("refused", 30)} UNEXPECTED: ${await res.text()}`);
  }
}

async function refresh() {
  for (const [id, row] of rows) {
    if (row.done) continue;
    const res = await fetch(`${convex}/submissions/${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(10_000) })
      .catch(() => null);
    if (!res || !res.ok) continue;
    const sub = await res.json();
    row.journey = ["queued", ...sub.history.map((h) => h.status)].filter((v, i, a) => a.indexOf(v) === i).join(" -> ");
    if (sub.result) {
      const r = sub.result;
      const msg = r.firstFailure?.errorMessage ? ` (${r.firstFailure.errorMessage.split("\n")[0].slice(0, 40)})` : "";
      const at = r.firstFailureIndex !== undefined ? ` at #${r.firstFailureIndex}` : "";
      row.verdict = `${r.status} ${r.passedCount}/${r.totalCount}${at}${msg}, ${r.durationMs} ms${judge0Calls(id)}`;
      row.ok = r.status === row.sample.expect;
      row.done = true;
      console.log(
        `${pad(id, 30)} ${pad(row.accept, 14)} ${pad(row.journey, 30)} ${row.ok ? "as expected" : "UNEXPECTED"}: ${row.verdict}`,
      );
    }
  }
}

console.log(`${pad("submission", 30)} ${pad("accepted", 14)} ${pad("journey", 30)} verdict`);
await Promise.all(samples.map(submit));
const deadline = Date.now() + 120_000;
while ([...rows.values()].some((r) => !r.done) && Date.now() < deadline) {
  await refresh();
  await new Promise((r) => setTimeout(r, 100));
}
const done = [...rows.values()].filter((r) => r.done);
const expected = done.filter((r) => r.ok).length;
console.log(`\n${done.length}/${rows.size} submissions finished in ${Date.now() - started} ms; ${expected} as expected.`);
process.exitCode = expected === rows.size ? 0 : 1;
