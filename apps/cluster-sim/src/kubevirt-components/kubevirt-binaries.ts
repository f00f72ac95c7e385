import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

export type KubevirtProgram = 'kubevirt-install' | 'virt-api' | 'virt-controller'

/**
 * A program built from KubeVirt's Go module by scripts/lib/go-builds.mjs: in
 * VMDECK_KUBEVIRT_BIN_DIR, else `.vmdeck/bin/kubevirt` under the repository.
 */
export function kubevirtBinary(program: KubevirtProgram): string {
  const root = process.env.VMDECK_ROOT ?? resolve(import.meta.dirname, '../../../..')
  const dir = process.env.VMDECK_KUBEVIRT_BIN_DIR ?? join(root, '.vmdeck/bin/kubevirt')
  const path = join(dir, program)
  if (!existsSync(path))
    throw new Error(
      `KubeVirt's ${program} is not built (${path}): run \`npm test\`, \`npm run sim\` or \`npm run demo\`, which build it, or set VMDECK_KUBEVIRT_BIN_DIR`,
    )
  return path
}
