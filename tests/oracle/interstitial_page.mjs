// Run interstitial pages' scripts in a fake browser and record what they do.
// argv[2]: input JSON [{"id", "html"} | {"id", "options038"}]; an options038 entry renders the page with
//          @clerk/backend 0.38.15's loadInterstitialFromLocal(options) first.
// argv[3]: output JSON [{"id", "scripts": <number of <script> elements as an HTML tokenizer sees them>,
//          "record": {frontendApi, debug, proxyUrl, domain, attributes, src, async, crossOrigin, appended,
//          loadOptions, pwned}} | {"id", "error"}]
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import vm from 'node:vm';

const require = createRequire(import.meta.url);
const { loadInterstitialFromLocal } = require('clerk-backend-038');
console.warn = () => {};

// Script element contents the way an HTML tokenizer splits them: from <script ...> to the first </script.
function scripts(html) {
  const out = [];
  const re = /<script\b[^>]*>/gi;
  let m;
  while ((m = re.exec(html))) {
    const start = m.index + m[0].length;
    const end = html.toLowerCase().indexOf('</script', start);
    out.push(html.slice(start, end === -1 ? html.length : end));
    re.lastIndex = end === -1 ? html.length : end;
  }
  return out;
}

async function record(html) {
  const found = scripts(html);
  const appended = [];
  const element = () => {
    const el = { attributes: {}, listeners: {} };
    el.setAttribute = (k, v) => { el.attributes[k] = String(v); };
    el.addEventListener = (ev, fn) => { el.listeners[ev] = fn; };
    return el;
  };
  const ctx = {
    console: { error: () => {}, log: () => {} },
    URL, URLSearchParams,
    location: { href: 'https://app.example.com/p', search: '', origin: 'https://app.example.com', pathname: '/p', hash: '', reload: () => {} },
    navigator: { userAgent: 'Mozilla/5.0' },
    history: { pushState: () => {} },
    document: {
      createElement: () => element(),
      body: { appendChild: (el) => appended.push(el), innerHTML: '' },
      forms: {},
    },
  };
  ctx.window = ctx;
  let loadOptions = null;
  ctx.Clerk = { loaded: false, load: async (opts) => { loadOptions = opts; } };
  vm.createContext(ctx);
  for (const code of found) vm.runInContext(code, ctx, { timeout: 1000 });
  if (typeof ctx.startClerk === 'function') await ctx.startClerk();
  const el = appended[0] || {};
  return {
    scripts: found.length,
    record: {
      frontendApi: ctx.__clerk_frontend_api ?? null,
      debug: ctx.__clerk_debug ?? null,
      proxyUrl: ctx.__clerk_proxy_url ?? null,
      domain: ctx.__clerk_domain ?? null,
      attributes: el.attributes ?? null,
      src: el.src ?? null,
      async: el.async ?? null,
      crossOrigin: el.crossOrigin ?? null,
      appended: appended.length,
      loadListener: Boolean(el.listeners && el.listeners.load),
      loadOptions: loadOptions && { ...loadOptions, signInUrl: loadOptions.signInUrl ?? null },
      pwned: ctx.pwned ?? null,
    },
  };
}

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = [];
for (const item of input) {
  try {
    const html = item.html ?? loadInterstitialFromLocal({ ...item.options038 });
    out.push({ id: item.id, ...(await record(html)) });
  } catch (err) {
    out.push({ id: item.id, error: String(err && err.message ? err.message : err) });
  }
}
writeFileSync(process.argv[3], JSON.stringify(out));
