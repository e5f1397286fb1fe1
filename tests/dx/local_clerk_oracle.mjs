// Oracle: drive a LocalClerk with Clerk's own @clerk/backend 3.25.0 (client, verifyToken, authenticateRequest).
// stdin: {"secretKey","publishableKey","apiUrl","userId","sessionId","token","appUrl","nonce","cookie"}
// stdout: one JSON object with what Clerk's SDK saw.
import { createClerkClient, verifyToken } from '@clerk/backend';

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (c) => (data += c));
  process.stdin.on('end', () => resolve(data));
}));

const out = {};
const step = async (name, fn) => {
  try {
    out[name] = await fn();
  } catch (err) {
    out[name] = { error: err?.reason ?? err?.errors?.[0]?.code ?? String(err), status: err?.status ?? null };
  }
};
const clerk = createClerkClient({ secretKey: input.secretKey, publishableKey: input.publishableKey, apiUrl: input.apiUrl });
const bad = createClerkClient({ secretKey: 'sk_test_wrong', apiUrl: input.apiUrl });

await step('getUser', async () => {
  const u = await clerk.users.getUser(input.userId);
  return { id: u.id, email: u.emailAddresses[0]?.emailAddress ?? null, firstName: u.firstName,
           primaryEmailAddressId: u.primaryEmailAddressId, publicMetadata: u.publicMetadata };
});
await step('getUserList', async () => {
  const r = await clerk.users.getUserList({ limit: 100 });
  return { totalCount: r.totalCount, ids: r.data.map((u) => u.id) };
});
await step('getSession', async () => {
  const s = await clerk.sessions.getSession(input.sessionId);
  return { id: s.id, userId: s.userId, status: s.status };
});
await step('getToken', async () => {
  const t = await clerk.sessions.getToken(input.sessionId);
  return { sub: (await verifyToken(t.jwt, { secretKey: input.secretKey, apiUrl: input.apiUrl })).sub };
});
await step('verifyToken', async () => (await verifyToken(input.token, { secretKey: input.secretKey, apiUrl: input.apiUrl })).sid);
await step('badKey', async () => bad.users.getUser(input.userId));
await step('handshake', async () => {
  const req = new Request(`${input.appUrl}?__clerk_handshake_nonce=${input.nonce}`,
    { headers: { cookie: input.cookie, 'sec-fetch-dest': 'document', accept: 'text/html' } });
  const state = await clerk.authenticateRequest(req, { publishableKey: input.publishableKey });
  return { status: state.status, reason: state.reason, userId: state.toAuth()?.userId ?? null,
           setCookies: state.headers.getSetCookie().map((c) => c.split('=')[0]) };
});
process.stdout.write(JSON.stringify(out));
