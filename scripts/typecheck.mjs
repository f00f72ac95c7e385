// Type-checks every workspace package with its own tsconfig; exits non-zero on any error.
import { spawn } from 'node:child_process'
import { join } from 'node:path'

const root = process.env.VMDECK_ROOT ?? process.cwd()
export const typecheckProjects = [
  'packages/shared',
  'apps/cluster-sim',
  'apps/idp',
  'apps/bff',
  'apps/web',
  'e2e',
  'deploy',
]

export function typecheck(project) {
  const tsc = join(root, 'node_modules/typescript/bin/tsc')
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '--noEmit', '-p', join(root, project)], {
      cwd: root,
      stdio: 'inherit',
    })
    child.on('exit', (code) => resolve(code ?? 1))
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const codes = await Promise.all(typecheckProjects.map(typecheck))
  process.exit(codes.some((code) => code !== 0) ? 1 : 0)
}
