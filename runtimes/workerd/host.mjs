// workerd host Worker: boots npm Pyodide once per isolate and hands every request to the Python
// Worker (workers_example/src/entry.py, class Default(WorkerEntrypoint)) through Cloudflare's PyPI
// `workers` SDK — the offline stand-in for Cloudflare's `python_workers` runtime (see README).
//
// Modules (assembled by runtimes/workerd/build.py): pyodide.mjs + pyodide.asm.mjs, the pre-compiled
// pyodide.asm.wasm, python_stdlib.zip, pyodide-lock.json, entry.py (text), clerk_edge.zip and the
// workers SDK wheel (data, zipimported).  Bindings: the Clerk keys (text) and UNSAFE (unsafeEval).
import "./shim.mjs";                               // before pyodide.mjs is evaluated
import { loadPyodide } from "./pyodide.mjs";
import createPyodideModule from "./pyodide.asm.mjs";
import pyodideWasm from "./pyodide.asm.wasm";       // WebAssembly.Module (compiled by workerd)
import stdlib from "./python_stdlib.zip";           // ArrayBuffer
import lock from "./pyodide-lock.json";
import entrySource from "./entry.py";               // string
import libraryZip from "./clerk_edge.zip";          // ArrayBuffer
import sdkWheel from "./workers_sdk.whl";           // ArrayBuffer

const ORIGIN = "https://pyodide.invalid/";          // answered by the fetch patch, never on the network
const WASM_STANDIN = new Uint8Array([0, 97, 115, 109, 1, 0, 0]); // "bytes" standing for pyodide.asm.wasm
let booted = null;
let bootMs = null;

// workerd refuses to compile Wasm from bytes: the big module arrives pre-compiled, the few small ones
// Emscripten builds at run time go through the unsafeEval binding; Pyodide's own file loads are served
// from the bundled modules.
function prepareGlobals(env) {
  const W = globalThis.WebAssembly;
  const compileBytes = (b) => env.UNSAFE.newWasmModule(b instanceof ArrayBuffer ? new Uint8Array(b) : b);
  const instantiate = W.instantiate.bind(W);
  const isStandIn = (b) => b.byteLength === WASM_STANDIN.byteLength;
  W.compile = async (bytes) => (isStandIn(bytes) ? pyodideWasm : compileBytes(bytes));
  W.instantiate = async (source, imports) => {
    if (source instanceof W.Module) return instantiate(source, imports);
    const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
    const module = isStandIn(bytes) ? pyodideWasm : compileBytes(bytes);
    return { instance: await instantiate(module, imports), module };
  };
  W.instantiateStreaming = async (response, imports) =>
    W.instantiate(new Uint8Array(await (await response).arrayBuffer()), imports);
  const Original = W.Module;
  function Module(bytes) { return compileBytes(bytes); }
  Module.prototype = Original.prototype;
  Object.assign(Module, { imports: Original.imports, exports: Original.exports, customSections: Original.customSections });
  W.Module = Module;
  // Pyodide's browser path resolves its (absolute) URLs against `location`, which workerd lacks
  if (!("location" in globalThis)) globalThis.location = undefined;
  globalThis.setImmediate ??= (f, ...a) => setTimeout(f, 0, ...a);
  globalThis.clearImmediate ??= (id) => clearTimeout(id);
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const u = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (u === ORIGIN + "pyodide.asm.wasm") return new Response(WASM_STANDIN);
    if (u === ORIGIN + "python_stdlib.zip") return new Response(stdlib);
    if (u === ORIGIN + "pyodide-lock.json") return Response.json(lock);
    return realFetch(input, init);
  };
}

const PYTHON_BOOT = `
import sys, types, contextlib
for p in ("/home/pyodide/app", "/home/pyodide/clerk_edge.zip", "/home/pyodide/workers_sdk.whl"):
    sys.path.insert(0, p)
# the two modules Cloudflare's Python runtime gives the SDK (stand-ins; see runtimes/workerd/README)
flags = types.ModuleType("_cloudflare_compat_flags")
flags.__getattr__ = lambda name: False
helper = types.ModuleType("_pyodide_entrypoint_helper")
helper.patchWaitUntil = lambda ctx: None
helper.patch_env_helper = contextlib.nullcontext
sys.modules.update(_cloudflare_compat_flags=flags, _pyodide_entrypoint_helper=helper)

import entry
from workers import Request

async def handle(js_request, js_env, js_ctx):
    response = await entry.Default(js_ctx, js_env).fetch(Request(js_request))
    return getattr(response, "js_object", response)

handle
`;

async function boot(env) {
  // pyodide.mjs starts compiling at module evaluation (global scope); let that settle inside this
  // request before awaiting anything of it, or the first request hangs.
  await new Promise((r) => setTimeout(r, 10));
  prepareGlobals(env);
  const t0 = Date.now();
  const py = await loadPyodide({ indexURL: ORIGIN, createPyodideModule, lockFileContents: lock,
                                 stdLibURL: ORIGIN + "python_stdlib.zip" });
  py.FS.mkdirTree("/home/pyodide/app");
  py.FS.writeFile("/home/pyodide/app/entry.py", entrySource);
  py.FS.writeFile("/home/pyodide/clerk_edge.zip", new Uint8Array(libraryZip));
  py.FS.writeFile("/home/pyodide/workers_sdk.whl", new Uint8Array(sdkWheel));
  const handle = py.runPython(PYTHON_BOOT);
  bootMs = Date.now() - t0;
  return { py, handle };
}

export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/__harness/ping") return new Response("pong\n");
    try {
      booted ??= boot(env);
      const { py, handle } = await booted;
      if (path === "/__harness/version") {
        return Response.json({ pyodide: py.version, python: py.runPython("import sys; sys.version.split()[0]"),
                               platform: py.runPython("import sys; sys.platform"), bootMs });
      }
      return await handle(request, env, ctx);
    } catch (e) {
      return new Response("HARNESS ERROR: " + (e && e.stack || e) + "\n", { status: 500 });
    }
  },
};
