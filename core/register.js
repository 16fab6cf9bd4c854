// Loads the project's TypeScript in plain Node: `node --require ./core/register.js <entry>.ts`.
// Every .ts file is transpiled by esbuild (types stripped, nothing checked: tsc --noEmit does that
// as its own step) and cached by content, so a warm run reads JavaScript from disk and never
// starts esbuild. Unlike a general loader (tsx measured twice as slow here), it leaves every
// other module alone: node_modules load as Node loads them.
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const ESBUILD_VERSION = require('esbuild/package.json').version;
const OPTIONS = { loader: 'ts', format: 'cjs', target: 'node20' };
// The repository's own .cache/ (git-ignored), not node_modules/.cache: a write under node_modules
// makes npm think its hidden lockfile stale, and every `npx mzops` then re-read all 1,300 packages
// (about 2 s); and a shared or symlinked node_modules is not this repository's to write into.
const CACHE_ROOT = path.join(__dirname, '..', '.cache');
const CACHE = path.join(CACHE_ROOT, 'mz-ts');
const SALT = `${ESBUILD_VERSION}\0${JSON.stringify(OPTIONS)}\0`;

// Node 22.1+ keeps V8's compiled code of every CommonJS module it loads (cdktf and the providers
// are large: compiling them was the biggest single cost of a synth) and reuses it on the next run.
// Measured on Node 24.22: the example's synth 0.36-0.54 s against 0.43-0.67 s without (README,
// Performance). Node 20 has no such cache.
// NODE_COMPILE_CACHE, when a user sets it, wins; NODE_DISABLE_COMPILE_CACHE turns it off.
if (typeof Module.enableCompileCache === 'function' && !process.env.NODE_COMPILE_CACHE && !process.env.NODE_DISABLE_COMPILE_CACHE) {
  Module.enableCompileCache(path.join(CACHE_ROOT, 'mz-node-compile'));
}

let esbuild;
function transpile(source, filename) {
  esbuild ??= require('esbuild');
  return esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename }).code;
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const cached = path.join(CACHE, `${crypto.createHash('sha256').update(SALT).update(source).digest('hex').slice(0, 40)}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = transpile(source, filename);
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      // A temporary name, then a rename: two processes filling the cache never read half a file.
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // A read-only checkout only costs the cache.
    }
  }
  module._compile(code, filename);
};
