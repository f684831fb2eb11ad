// tools/smoke.mjs against the real code-exec with convex-dev, on judge0-lite when it is built
// (a real Python run) and on the Judge0 stand-in (tools/fakes). Lives here so tools/openapi/check runs it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { cleanupList, haveJudge0Lite, root, startCodeExec, startConvexDev, startJudge0Lite, startJudge0Fake } from './stack.mjs';

const run = promisify(execFile);
const smoke = path.join(root, 'tools/smoke.mjs');

async function runSmoke(args, env = {}) {
  try {
    const { stdout } = await run(process.execPath, [smoke, ...args], { env: { ...process.env, ...env }, timeout: 120000 });
    return { code: 0, stdout };
  } catch (e) {
    return { code: e.code, stdout: e.stdout ?? '' };
  }
}

for (const judge of ['judge0-lite', 'stand-in']) {
  describe(`tools/smoke.mjs with ${judge}`, { skip: judge === 'judge0-lite' && !haveJudge0Lite() && 'judge0-lite is not built' }, () => {
    const stack = cleanupList();
    after(() => stack.run());

    test('all checks pass against a healthy service (exit 0), one line each', async () => {
      const j0 = stack.add(judge === 'stand-in' ? await startJudge0Fake() : await startJudge0Lite());
      const convex = stack.add(await startConvexDev());
      const svc = stack.add(await startCodeExec({ convexUrl: convex.url, judge0Url: j0.url, env: { JUDGE0_POLL_INTERVAL_MS: '100' } }));
      // The tool's 500 ms /healthz bound is for a deployment; this shared 2-core box may be busy
      // compiling, and the test is about the tool, so it allows more.
      const r = await runSmoke(['--url', svc.url, '--key', 'k', '--healthz-max-ms', '3000']);
      assert.equal(r.code, 0, r.stdout);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.at(-1), '6 passed, 0 failed');
      assert.equal(lines.filter((l) => l.startsWith('PASS ')).length, 6, r.stdout);

      const env = await runSmoke(['--skip', 'load,ratelimit'], { CODE_EXEC_URL: svc.url, CODE_EXEC_KEY: 'k' });
      assert.equal(env.code, 0, env.stdout);
      assert.match(env.stdout, /^4 passed, 0 failed$/m);

      const wrongKey = await runSmoke(['--url', svc.url, '--key', 'nope', '--skip', 'load,ratelimit']);
      assert.equal(wrongKey.code, 1);
      assert.match(wrongKey.stdout, /^FAIL judge passed: .*HTTP 401/m);
      assert.match(wrongKey.stdout, /^2 passed, 2 failed$/m);
    });
  });
}

test('tools/smoke.mjs: unreachable service fails every check; bad arguments exit 2', async () => {
  const r = await runSmoke(['--url', 'http://127.0.0.1:1', '--key', 'k', '--skip', 'load,ratelimit']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^0 passed, 4 failed$/m);
  assert.equal((await runSmoke(['--nope'])).code, 2);
  assert.equal((await runSmoke(['--concurrency', '0'])).code, 2);
});
