// Differential oracle: run @clerk/backend 3.25.0's verifyToken over a corpus.
// stdin: {"cases": [{"token", "options", "now_ms"}]}; options use @clerk/backend's camelCase names.
// stdout: [{"ok": true, "payload"} | {"ok": false, "reason", "message"}]
import { verifyToken } from '@clerk/backend';

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
    const payload = await verifyToken(c.token, c.options);
    out.push({ ok: true, payload });
  } catch (err) {
    out.push({ ok: false, reason: err?.reason ?? 'non-token-error', message: err?.message ?? String(err) });
  } finally {
    Date.now = realNow;
  }
}
process.stdout.write(JSON.stringify(out));
