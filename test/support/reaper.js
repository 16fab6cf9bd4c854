// Stops what the test run started when jest itself is gone: killed, interrupted, or crashed before
// its global teardown. Plain CommonJS, started detached by the global setup, so that it outlives a
// killed jest and needs nothing loaded first. Argument: JSON of
// { parent, pids: [{ pid, signal }], dirs: [] }. Teardown ends it (SIGTERM) after stopping them itself.
const { rmSync } = require('node:fs');

const { parent, pids, dirs } = JSON.parse(process.argv[2]);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function reap() {
  for (const { pid, signal } of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
  // The servers let go of their folders within moments of the signal.
  setTimeout(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    process.exit(0);
  }, 500);
}

process.on('SIGTERM', () => process.exit(0));
setInterval(() => {
  if (!alive(parent)) reap();
}, 250);
