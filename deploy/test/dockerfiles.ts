// Dockerfiles read and replayed without a Docker engine, for the image tests: their stages, the
// build context .dockerignore leaves, and a replay of a `build` stage in a temporary directory.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { root, runAsync } from './helpers.ts'

export interface Stage {
  from: string
  name?: string
  lines: string[]
}

/** Stages of a Dockerfile, with continuation lines joined and comments dropped. */
export function stages(dockerfile: string): { args: Record<string, string>; stages: Stage[] } {
  const text = readFileSync(join(root, dockerfile), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
  const args: Record<string, string> = {}
  const result: Stage[] = []
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line) continue
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line)
    if (from) {
      const image = from[1]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '')
      result.push({ from: image, ...(from[2] ? { name: from[2] } : {}), lines: [] })
    } else if (result.length === 0 && /^ARG\s+(\w+)=(\S+)/.test(line)) {
      const [, name, value] = /^ARG\s+(\w+)=(\S+)/.exec(line)!
      args[name!] = value!
    } else result.at(-1)?.lines.push(line)
  }
  return { args, stages: result }
}

export const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))

/**
 * Whether .dockerignore keeps `path` (relative to the context) out of the build context. As
 * Docker reads it: the last pattern that matches decides, and `!pattern` lets a path back in.
 */
export function ignored(path: string): boolean {
  const segments = path.split('/')
  const matches = (pattern: string) => {
    const glob = (p: string) =>
      new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`)
    if (pattern.startsWith('**/')) {
      const last = glob(pattern.slice(3))
      return segments.some((segment) => last.test(segment))
    }
    return glob(pattern).test(segments.slice(0, pattern.split('/').length).join('/'))
  }
  let out = false
  for (const line of dockerignore) {
    const negated = line.startsWith('!')
    if (matches(negated ? line.slice(1) : line)) out = !negated
  }
  return out
}

/**
 * Replays a build stage of a Dockerfile here (`build` unless `stageName` says otherwise): WORKDIR,
 * ENV, COPY from the build context (honouring .dockerignore) and RUN, with the image's absolute
 * paths under `sandbox`. The global pnpm install is the one step not replayed: `npm test` has
 * pnpm already, and it goes on PATH, after `pathPrefix` (where other tools of a build stage are,
 * such as go).
 */
export async function replayBuildStage(
  dockerfile: string,
  sandbox: string,
  pathPrefix: string[] = [],
  stageName = 'build',
): Promise<void> {
  const stage = stages(dockerfile).stages.find((st) => st.name === stageName)!
  const inside = (path: string) => join(sandbox, path)
  const shims = join(sandbox, '.bin')
  mkdirSync(shims, { recursive: true })
  const pnpm = join(root, '.tools/node_modules/pnpm/bin/pnpm.mjs')
  writeFileSync(
    join(shims, 'pnpm'),
    `#!/bin/sh\nexec "${process.execPath}" "${process.env.VMDECK_PNPM ?? pnpm}" "$@"\n`,
    { mode: 0o755 },
  )
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [...pathPrefix, shims, dirname(process.execPath), process.env.PATH ?? ''].join(':'),
  }
  delete env.VMDECK_ROOT
  delete env.VMDECK_PNPM
  let workdir = sandbox
  for (const line of stage.lines) {
    const [instruction, ...rest] = line.split(/\s+/)
    if (instruction === 'WORKDIR') {
      workdir = inside(rest[0]!)
      mkdirSync(workdir, { recursive: true })
    } else if (instruction === 'ENV')
      for (const pair of rest) {
        const [name, value] = pair.split('=')
        env[name!] = value!.replace(/^"|"$/g, '')
      }
    else if (instruction === 'COPY') {
      const target = rest.at(-1)!
      for (const source of rest.slice(0, -1)) {
        const destination = target.endsWith('/')
          ? join(target.startsWith('/') ? inside(target) : join(workdir, target), basename(source))
          : target.startsWith('/')
            ? inside(target)
            : join(workdir, target)
        cpSync(join(root, source), destination, {
          recursive: true,
          filter: (path) => path === join(root, source) || !ignored(relative(root, path)),
        })
      }
    } else if (instruction === 'RUN') {
      const command = rest.join(' ')
      if (/npm install --global/.test(command)) continue
      const result = await runAsync(
        'sh',
        ['-c', command.replace(/(^|\s)\/out\b/g, `$1${inside('out')}`)],
        {
          cwd: workdir,
          env,
        },
      )
      if (result.status !== 0)
        throw new Error(`${dockerfile}: RUN ${command} failed:\n${result.stdout}\n${result.stderr}`)
    } else if (instruction !== 'ARG') throw new Error(`cannot replay ${line}`)
  }
}
