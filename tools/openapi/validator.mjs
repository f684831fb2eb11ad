// Validates real HTTP exchanges against openapi.yaml with Ajv (JSON Schema 2020-12, the dialect
// of OpenAPI 3.1). Needs the pinned packages that tools/npm-install puts into tools/node_modules/.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const specFile = path.resolve(here, '../../openapi.yaml');

function loadTools() {
  const req = createRequire(import.meta.url);
  try {
    return {
      Ajv2020: req('ajv/dist/2020').default,
      addFormats: req('ajv-formats').default,
      YAML: req('yaml'),
    };
  } catch (e) {
    throw new Error(`pinned tools missing (${e.message}); run tools/npm-install once to install them`);
  }
}

const SPEC_ID = 'https://code-exec.local/openapi.json';
// OpenAPI keywords that may sit beside JSON Schema keywords in a Schema Object.
const OPENAPI_KEYWORDS = ['example', 'discriminator', 'xml', 'externalDocs'];

const esc = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function loadSpec() {
  const { Ajv2020, addFormats, YAML } = loadTools();
  const doc = YAML.parse(fs.readFileSync(specFile, 'utf8'));
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const k of OPENAPI_KEYWORDS) ajv.addKeyword({ keyword: k });
  // The document's own top-level fields are inert keywords of the root "schema".
  for (const k of Object.keys(doc)) if (!ajv.getKeyword(k)) ajv.addKeyword({ keyword: k });
  // The whole document is one schema resource so that "#/components/..." refs resolve; only the
  // fragments that are compiled must be valid schemas.
  ajv.addSchema(doc, SPEC_ID, undefined, false);
  const compiled = new Map();
  const at = (pointer) => {
    let v = doc;
    for (const part of pointer.split('/').slice(1)) {
      v = v?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return v;
  };
  // Follows a chain of $ref (response, header and parameter objects); returns [object, pointer].
  const deref = (obj, pointer) => {
    let guard = 0;
    while (obj && typeof obj.$ref === 'string' && guard++ < 10) {
      pointer = obj.$ref.slice(1);
      obj = at(pointer);
    }
    return [obj, pointer];
  };
  const validatorAt = (pointer) => {
    if (!compiled.has(pointer)) compiled.set(pointer, ajv.compile({ $ref: `${SPEC_ID}#${pointer}` }));
    return compiled.get(pointer);
  };
  const check = (pointer, value) => {
    const v = validatorAt(pointer);
    if (v(value)) return [];
    return v.errors.map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
  };
  return { doc, ajv, at, deref, validatorAt, check };
}

function mediaFor(content, contentType) {
  if (!content) return undefined;
  const base = (s) => s.split(';')[0].trim().toLowerCase();
  const ct = contentType || '';
  return Object.keys(content).find((k) => k.toLowerCase() === ct.toLowerCase()) ??
    Object.keys(content).find((k) => base(k) === base(ct));
}

// Checks one response object of the spec against an answer: headers (required ones present,
// values valid) and the body against the media type's schema. Returns error strings.
function checkResponse(spec, respPointer, res) {
  const errors = [];
  const [resp, rp] = spec.deref(spec.at(respPointer), respPointer);
  if (!resp) return [`no response object at ${respPointer}`];
  for (const [name, h0] of Object.entries(resp.headers || {})) {
    const [h, hp] = spec.deref(h0, `${rp}/headers/${esc(name)}`);
    const value = res.headers.get(name);
    if (value === null) {
      if (h.required) errors.push(`header ${name} is required but missing`);
      continue;
    }
    if (h.schema) {
      const t = h.schema.type;
      const typed = t === 'integer' || t === 'number' ? (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value) : value;
      for (const e of spec.check(`${hp}/schema`, typed)) errors.push(`header ${name}: ${JSON.stringify(value)} ${e}`);
    }
  }
  if (resp.content) {
    const ct = res.headers.get('content-type');
    const media = mediaFor(resp.content, ct);
    if (!media) {
      errors.push(`content type ${ct} not documented (documented: ${Object.keys(resp.content).join(', ')})`);
    } else if (resp.content[media].schema) {
      const isJson = media.startsWith('application/json');
      let body = res.text;
      if (isJson) {
        try {
          body = JSON.parse(res.text);
        } catch {
          return [...errors, `body is not JSON: ${res.text.slice(0, 200)}`];
        }
      }
      for (const e of spec.check(`${rp}/content/${esc(media)}/schema`, body)) errors.push(`body ${e}`);
    }
  }
  return errors;
}

// Validates an answer of `method path` (a path of openapi.yaml; unknown ones use
// x-unmatched-responses). Returns [] when it conforms, else the reasons.
export function validateResponse(spec, { method, path: p, res }) {
  const pathItem = spec.doc.paths[p];
  const op = pathItem?.[method.toLowerCase()];
  if (!op) {
    const r = spec.doc['x-unmatched-responses']?.[String(res.status)];
    if (!r) return [`${method} ${p}: status ${res.status} is not an unmatched-request answer`];
    return checkResponse(spec, `/x-unmatched-responses/${res.status}`, res).map((e) => `${method} ${p} ${res.status}: ${e}`);
  }
  const code = String(res.status);
  const key = op.responses[code] ? code : op.responses[`${code[0]}XX`] ? `${code[0]}XX` : op.responses.default ? 'default' : null;
  if (!key) return [`${method} ${p}: status ${res.status} is not documented (${Object.keys(op.responses).join(', ')})`];
  const base = `/paths/${esc(p)}/${method.toLowerCase()}/responses/${key}`;
  return checkResponse(spec, base, res).map((e) => `${method} ${p} ${res.status}: ${e}`);
}

// Validates a request body against an operation's (or webhook's) JSON request schema.
export function validateRequestBody(spec, { method, path: p, webhook, body }) {
  const base = webhook ? `/webhooks/${esc(webhook)}` : `/paths/${esc(p)}`;
  const [rb, rbp] = spec.deref(spec.at(`${base}/${method.toLowerCase()}/requestBody`), `${base}/${method.toLowerCase()}/requestBody`);
  if (!rb) return [`no request body documented at ${base}`];
  return spec.check(`${rbp}/content/application~1json/schema`, body);
}

// Validates an exchange of a Convex callback (a webhook): its request headers and body, and
// Convex's answer.
export function validateWebhook(spec, name, { headers, body, res }) {
  const errors = [];
  const base = `/webhooks/${esc(name)}/post`;
  const op = spec.at(base);
  if (!op) return [`webhook ${name} is not documented`];
  for (const [i, p0] of (op.parameters || []).entries()) {
    const [p, pp] = spec.deref(p0, `${base}/parameters/${i}`);
    if (p.in !== 'header') continue;
    const value = headers[p.name.toLowerCase()];
    if (value === undefined) {
      if (p.required) errors.push(`request header ${p.name} is required but missing`);
      continue;
    }
    for (const e of spec.check(`${pp}/schema`, value)) errors.push(`request header ${p.name}: ${e}`);
  }
  for (const e of validateRequestBody(spec, { method: 'post', webhook: name, body })) errors.push(`request body ${e}`);
  if (res) {
    const code = String(res.status);
    if (!op.responses[code]) errors.push(`Convex answered ${code}, which is not documented`);
    else errors.push(...checkResponse(spec, `${base}/responses/${code}`, res).map((e) => `response ${e}`));
  }
  return errors.map((e) => `webhook ${name}: ${e}`);
}

// Every schema under components/schemas compiles.
export function compileAllSchemas(spec) {
  const errors = [];
  for (const name of Object.keys(spec.doc.components.schemas)) {
    try {
      spec.validatorAt(`/components/schemas/${esc(name)}`);
    } catch (e) {
      errors.push(`${name}: ${e.message}`);
    }
  }
  return errors;
}
