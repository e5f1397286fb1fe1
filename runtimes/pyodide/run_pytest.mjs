// Run pytest *inside* Pyodide under Node, offline, on the project's own test files.
//
//   node --experimental-wasm-stack-switching run_pytest.mjs --pyodide <node_modules/pyodide-x dir>
//        --wheels <dir of pure wheels> --project <repo root> [--shared <dir>] [--report <host json path>]
//        -- <pytest args>
//
// * the repo is mounted with NODEFS at /project (tests and clerk_edge read straight from the tree), the
//   shared reference folder (Wycheproof vectors, the OpenAPI spec) at /shared;
// * every *.whl in the wheel dir is zipimported (pytest, pluggy, hypothesis, ...);
// * CLERK_EDGE_* / HYPOTHESIS_* variables of this process are copied into Python's os.environ
//   (the host harness passes CLERK_EDGE_MOCK_SERVER_URL so `mock_server` is driven remotely);
// * pytest runs under runPythonAsync, so sync test code may block on JS promises with run_sync.
// Exit status = pytest's.
import path from "node:path";
import fs from "node:fs";

const argv = process.argv.slice(2);
const opts = {}; let rest = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--") { rest = argv.slice(i + 1); break; }
  opts[argv[i].replace(/^--/, "")] = argv[++i];
}
for (const k of ["pyodide", "wheels", "project"]) if (!opts[k]) { console.error(`missing --${k}`); process.exit(2); }

const pyDir = path.resolve(opts.pyodide) + "/";
const t0 = performance.now();
const { loadPyodide } = await import(pyDir + "pyodide.mjs");
const py = await loadPyodide({ indexURL: pyDir, stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
const bootMs = performance.now() - t0;

const mount = (host, at) => { py.FS.mkdirTree(at); py.FS.mount(py.FS.filesystems.NODEFS, { root: path.resolve(host) }, at); };
mount(opts.wheels, "/wheels");
mount(opts.project, "/project");
const env = {};
for (const [k, v] of Object.entries(process.env)) if (/^(CLERK_EDGE_|HYPOTHESIS_|CLERK_)/.test(k)) env[k] = v;
// the read-only reference data (Wycheproof vectors, the OpenAPI spec): --shared (the harness passes
// $CLERK_EDGE_SHARED_DIR) or ../shared next to the repo; read at test time, never copied in
const shared = path.resolve(opts.shared || path.join(opts.project, "..", "shared"));
if (fs.existsSync(shared)) {
  mount(shared, "/shared");
  env.CLERK_EDGE_SHARED_DIR = "/shared";
}
if (opts.report) {
  fs.mkdirSync(path.dirname(path.resolve(opts.report)), { recursive: true });
  mount(path.dirname(path.resolve(opts.report)), "/report");
  env.CLERK_EDGE_MATRIX_REPORT = "/report/" + path.basename(opts.report);
}
env.CLERK_EDGE_PYODIDE_BOOT_MS = bootMs.toFixed(0);   // reported under the matrix table
py.globals.set("ENV", py.toPy(env));
// pytest-timeout cannot arm a timer in Pyodide (no signal.setitimer, no threads): switch it off there;
// the host harness bounds the whole run instead.
py.globals.set("ARGS", py.toPy(["-o", "timeout=0", ...(rest.length ? rest : ["tests"])]));
console.log(`[pyodide ${py.version}] loadPyodide ${bootMs.toFixed(0)} ms`);
let rc;
try {
  rc = await py.runPythonAsync(`
import os, sys, glob
sys.dont_write_bytecode = True          # never write pyc files into the host tree
for w in sorted(glob.glob("/wheels/*.whl")):
    sys.path.append(w)                  # pure-Python wheels: zipimport straight from the .whl
sys.path.insert(0, "/project")
os.environ.update(ENV.to_py() if hasattr(ENV, "to_py") else dict(ENV))
os.chdir("/project")
import pytest
int(pytest.main(list(ARGS)))
`);
} catch (e) {
  console.error("pytest could not run inside Pyodide:", e && e.stack || e);
  process.exit(3);
}
console.log(`[pyodide ${py.version}] total ${(performance.now() - t0).toFixed(0)} ms, pytest exit ${rc}`);
process.exit(Number(rc));
