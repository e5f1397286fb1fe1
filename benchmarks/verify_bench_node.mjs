// @clerk/backend verifyToken throughput, for benchmarks/verify_bench.py (same token, same machine, same run).
import { verifyToken } from '@clerk/backend';
import { createPublicKey, verify } from 'node:crypto';

const [token, pem, seconds, rounds] = process.argv.slice(2);
const slice = Number(seconds) * 1000;

async function rate(fn) {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < slice) {
    for (let i = 0; i < 20; i++) await fn();
    n += 20;
  }
  return (n * 1000) / (performance.now() - start);
}

const key = createPublicKey(pem);
const [h, p, s] = token.split('.');
const data = Buffer.from(`${h}.${p}`);
const sig = Buffer.from(s, 'base64url');
const targets = {
  '@clerk/backend 3.25.0 verifyToken (jwtKey PEM, Node)': () => verifyToken(token, { jwtKey: pem }),
  'node:crypto verify + JSON (Node floor)': async () => {
    verify('RSA-SHA256', data, key, sig);
    JSON.parse(Buffer.from(p, 'base64url').toString());
  },
};
const out = {};
for (const name of Object.keys(targets)) out[name] = [];
for (let r = 0; r < Number(rounds); r++) {
  for (const [name, fn] of Object.entries(targets)) out[name].push(await rate(fn));
}
process.stdout.write(JSON.stringify(out));
