// Which accepted submissions never got a result at tools/convex-dev, and which ran more than once.
//   node lost.mjs <answers-file of spread.mjs> <convex-dev url>
//   -> {"accepted", "notAccepted", "withResult", "lost", "lostIds", "lostStatus", "rerunPosts",
//       "duplicatePosts", "runningCalls", "testcaseFetches", "extraFetches", "statuses", "failures",
//       "contractIssues", "contractIssueSample", "ranUnaccepted"}
// lost: answered 202 but no result recorded. rerunPosts: submissions whose result was posted more
// than once (convex-dev's `duplicates`, a peer's rerun after the pod died between posting and
// removing the entry); extraFetches: testcase fetches beyond one per submission with a result
// (every run fetches them once, so this counts reruns that did not get as far as posting too).
import fs from 'node:fs';

const [answersFile, convex] = process.argv.slice(2);
const answers = fs.readFileSync(answersFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' '));
const get = async (path) => (await fetch(`${convex}${path}`, { signal: AbortSignal.timeout(10000) })).json();
const { submissions } = await get('/submissions');
const stats = await get('/dev/stats');
const byId = new Map(submissions.map((s) => [s.submissionId, s]));
const accepted = answers.filter(([, status]) => status === '202').map(([id]) => id);
const lost = accepted.filter((id) => !byId.get(id)?.result);
const withResult = submissions.filter((s) => s.result);
const statuses = {};
for (const s of withResult) statuses[s.result.status] = (statuses[s.result.status] || 0) + 1;
const fetches = Object.values(stats.testcaseFetches).reduce((a, b) => a + b, 0);
const acceptedSet = new Set(accepted);
console.log(JSON.stringify({
  accepted: accepted.length,
  notAccepted: answers.length - accepted.length,
  withResult: withResult.length,
  lost: lost.length,
  lostIds: lost.slice(0, 5),
  lostStatus: Object.fromEntries(lost.slice(0, 5).map((id) => [id, byId.get(id)?.status ?? 'unknown'])),
  rerunPosts: withResult.filter((s) => s.duplicates > 0).length,
  duplicatePosts: withResult.reduce((a, s) => a + s.duplicates, 0),
  runningCalls: stats.requests['/coding/submission-running'] ?? 0,
  testcaseFetches: fetches,
  extraFetches: fetches - withResult.length,
  statuses,
  failures: stats.failures,
  contractIssues: submissions.reduce((a, s) => a + s.contractIssues.length, 0),
  contractIssueSample: submissions.flatMap((s) => s.contractIssues).slice(0, 3),
  ranUnaccepted: withResult.filter((s) => !acceptedSet.has(s.submissionId)).length,
}));
