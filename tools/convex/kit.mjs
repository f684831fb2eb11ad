// Loads the compiled kit (tools/convex/check compiles the .ts sources into .build/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const build = path.join(path.dirname(fileURLToPath(import.meta.url)), '.build');
for (const f of ['codeExecClient.js', 'verifyCallback.js']) {
  if (!fs.existsSync(path.join(build, f))) {
    throw new Error(`${path.join(build, f)} is missing: run tools/convex/check (it compiles the kit with the pinned TypeScript)`);
  }
}
export const client = await import(path.join(build, 'codeExecClient.js'));
export const verify = await import(path.join(build, 'verifyCallback.js'));
export const vectorsFile = path.resolve(build, '../../samples/signature-vectors.json');
export const vectors = JSON.parse(fs.readFileSync(vectorsFile, 'utf8'));
