// One simulator per test file: the real control plane and everything the simulator runs on it,
// started before the file's tests and stopped after them, with the real kubectl against it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { kubectlFor, type Kubectl } from '../src/cluster/kubectl.ts'
import { startSim, type Sim, type SimOptions } from '../src/sim.ts'

export interface TestSim {
  sim: Sim
  kubectl: Kubectl
  /** The simulator's state directory, removed after the file's tests (scratch files go here). */
  stateDir: string
}

/**
 * Registers the hooks that start and stop the file's simulator; `started` receives it before
 * any test runs (hooks registered earlier, such as a guest image build, run first), `closed`
 * runs once it has stopped (what must not outlive it).
 */
export function useSim(
  options: Omit<SimOptions, 'stateDir'>,
  started: (test: TestSim) => void,
  closed?: () => void,
): void {
  let test: TestSim | undefined
  beforeAll(async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-sim-test-'))
    try {
      const sim = await startSim({ stateDir, ...options })
      test = {
        sim,
        kubectl: kubectlFor(sim.kubeconfigPath, join(stateDir, 'kube-cache')),
        stateDir,
      }
    } catch (error) {
      rmSync(stateDir, { recursive: true, force: true })
      throw error
    }
    started(test)
  }, 120_000)
  afterAll(async () => {
    await test?.sim.close()
    if (test) rmSync(test.stateDir, { recursive: true, force: true })
    closed?.()
  })
}
