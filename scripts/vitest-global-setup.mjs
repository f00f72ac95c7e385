// Vitest's global setup (vitest.config.ts): runs once before any test file, in the main Vitest
// process, so `vitest run …` started by hand builds the Go programs the simulator needs exactly as
// `npm test` does. The worker processes Vitest starts afterwards inherit VMDECK_CONTROLPLANE_BIN
// and VMDECK_CRD_DIR from this process's environment.
import { ensureGoBuilds } from './lib/go-builds.mjs'

export default async function setup() {
  // Thrown, not exited: Vitest reports the failed setup with the message and runs no tests.
  await ensureGoBuilds()
}
