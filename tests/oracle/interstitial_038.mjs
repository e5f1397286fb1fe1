// Differential oracle: @clerk/backend 0.38.15 (npm alias clerk-backend-038) `Clerk({...}).authenticateRequest`
// over a generated matrix of requests.
// argv[2]: input JSON file {"cases": [{"id", "now_ms", "clerk": {build-time options}, "call": {call-time options},
//          "request": {"url", "headers"} | null}]}; options use @clerk/backend's camelCase names.
// argv[3]: output JSON file: [{"id", "status", "reason", "isSignedIn", "isInterstitial", "isUnknown", "userId"}
//          | {"id", "threw": "<message>"}]
// The clock is frozen per case by replacing Date.now (0.38 reads time only through Date.now()).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { Clerk } = require('clerk-backend-038');

// 0.38 prints deprecation warnings for some options; keep stdout/stderr quiet.
console.warn = () => {};
console.log = () => {};

function fakeRequest(spec) {
  const headers = new Map(Object.entries(spec.headers || {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return {
    url: spec.url,
    method: spec.method || 'GET',
    headers: { get: (name) => (headers.has(name.toLowerCase()) ? headers.get(name.toLowerCase()) : null) },
  };
}

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const realNow = Date.now;
const out = [];
for (const c of input.cases) {
  Date.now = () => c.now_ms;
  try {
    const clerk = Clerk(c.clerk);
    const call = { ...c.call };
    if (c.request) call.request = fakeRequest(c.request);
    if (call.searchParams !== undefined) call.searchParams = new URLSearchParams(call.searchParams);
    const state = await clerk.authenticateRequest(call);
    const auth = state.toAuth();
    out.push({
      id: c.id,
      status: state.status,
      reason: state.reason,
      isSignedIn: state.isSignedIn,
      isInterstitial: state.isInterstitial,
      isUnknown: state.isUnknown,
      userId: auth ? auth.userId : null,
    });
  } catch (err) {
    out.push({ id: c.id, threw: String(err && err.message ? err.message : err) });
  } finally {
    Date.now = realNow;
  }
}
writeFileSync(process.argv[3], JSON.stringify(out));
