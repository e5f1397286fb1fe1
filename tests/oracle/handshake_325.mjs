// Differential oracle: @clerk/backend 3.25.0's createClerkClient(...).authenticateRequest over a matrix.
// stdin: {"cases": [{"id", "method", "url", "headers": [[k, v], ...], "build": {...}, "options": {...}, "now_ms"}]}
//   build   = createClerkClient options (camelCase: secretKey, publishableKey, apiUrl, apiVersion, jwtKey, ...)
//   options = authenticateRequest call-time options (camelCase)
// stdout: [{"id", "status", "reason", "message", "tokenType", "location", "setCookie": [...], "toAuth": {...}}
//          | {"id", "error": "<message>"}]
// Date.now is frozen to now_ms for each case; console output goes to stderr so stdout stays JSON.
import { createClerkClient } from '@clerk/backend';

for (const level of ['log', 'warn', 'error', 'info', 'debug']) {
  console[level] = (...args) => process.stderr.write(`[${level}] ${args.map(String).join(' ')}\n`);
}

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (c) => (data += c));
  process.stdin.on('end', () => resolve(data));
}));

const realNow = Date.now;
const out = [];
for (const c of input.cases) {
  Date.now = () => c.now_ms;
  try {
    const clerk = createClerkClient(c.build);
    const headers = new Headers();
    for (const [k, v] of c.headers) headers.append(k, v);
    const request = new Request(c.url, { method: c.method, headers });
    const state = await clerk.authenticateRequest(request, c.options);
    const auth = state.toAuth ? state.toAuth() : null;
    out.push({
      id: c.id,
      status: state.status,
      reason: state.reason ?? null,
      message: state.message ?? null,
      tokenType: state.tokenType ?? null,
      location: state.headers.get('location'),
      setCookie: state.headers.getSetCookie(),
      cacheControl: state.headers.get('cache-control'),
      toAuth: auth ? {
        userId: auth.userId ?? null, sessionId: auth.sessionId ?? null, orgId: auth.orgId ?? null,
        orgRole: auth.orgRole ?? null, orgPermissions: auth.orgPermissions ?? null, id: auth.id ?? null,
        subject: auth.subject ?? null, scopes: auth.scopes ?? null, isAuthenticated: auth.isAuthenticated,
        tokenType: auth.tokenType ?? null,
      } : null,
    });
  } catch (err) {
    out.push({ id: c.id, error: err?.message ?? String(err) });
  } finally {
    Date.now = realNow;
  }
}
process.stdout.write(JSON.stringify(out));
