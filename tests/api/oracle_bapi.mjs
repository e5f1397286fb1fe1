// Differential oracle for the REST client: make Backend API calls with Clerk's own JS SDK against a loopback
// server; the Python test then compares what the server received with what clerk_edge sends.
// argv[2]: "325" (@clerk/backend 3.25.0) or "038" (@clerk/backend 0.38.15)
// stdin: {"apiUrl", "secretKey", "calls": [{"tag", "group", "method", "args"}]}
// Each call first hits GET {apiUrl}/__mark__/{tag} (via fetch) so the server log can be split per call.
// stdout: [{"tag", "ok", "error"}]
const which = process.argv[2];
const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (c) => (data += c));
  process.stdin.on('end', () => resolve(data));
}));

let client;
if (which === '325') {
  const { createClerkClient } = await import('@clerk/backend');
  client = createClerkClient({ secretKey: input.secretKey, apiUrl: input.apiUrl });
} else {
  const mod = await import('clerk-backend-038');
  const Clerk = mod.Clerk ?? mod.default?.Clerk;
  client = Clerk({ secretKey: input.secretKey, apiUrl: input.apiUrl });
}

const out = [];
for (const c of input.calls) {
  await fetch(`${input.apiUrl}/__mark__/${c.tag}`).then((r) => r.text()).catch(() => null);
  try {
    await client[c.group][c.method](...c.args);
    out.push({ tag: c.tag, ok: true });
  } catch (err) {
    out.push({ tag: c.tag, ok: false, error: String(err?.message ?? err) });
  }
}
process.stdout.write(JSON.stringify(out));
