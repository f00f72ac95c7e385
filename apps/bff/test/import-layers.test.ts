// The BFF's layers point down only: the files at the top of src (server, app, config) → routes →
// plugins → lib → kube. A module may import its own layer and those below it, never one above,
// and no chain of imports may come back to where it started.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')
const LAYERS = ['kube', 'lib', 'plugins', 'routes'] as const

/** 0 for kube … 3 for routes, 4 for the files directly under src. */
function layerOf(file: string): number {
  const top = file.split('/')[0] ?? ''
  const index = (LAYERS as readonly string[]).indexOf(top)
  return index >= 0 ? index : LAYERS.length
}

/** Relative imports of a module's source text (static, dynamic and type-only alike). */
function importsOf(text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g))
    if (match[1]) found.push(match[1])
  return found
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

/** Every module of src (relative path) with the modules it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const path of sources(SRC)) {
    const targets = importsOf(readFileSync(path, 'utf8')).map((spec) =>
      relative(SRC, resolve(dirname(path), spec)),
    )
    graph.set(relative(SRC, path), targets)
  }
  return graph
}

/** The first import cycle found, as the chain of modules, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node]
    state.set(node, 'visiting')
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    stack.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of graph.keys()) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}

describe('the import graph of apps/bff/src', () => {
  const graph = importGraph()

  it('has no import running back up a layer', () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      targets.filter((to) => layerOf(to) > layerOf(from)).map((to) => `${from} → ${to}`),
    )
    expect(upward).toEqual([])
  })

  it('has no import cycle', () => {
    expect(findCycle(graph)).toBeUndefined()
  })

  it('is read correctly: the checks see an upward import and a cycle', () => {
    expect(importsOf("import type { A } from '../lib/a.ts'\nimport b from './b.ts'")).toEqual([
      '../lib/a.ts',
      './b.ts',
    ])
    expect(layerOf('plugins/app/auth.ts')).toBeGreaterThan(layerOf('lib/identity.ts'))
    expect(layerOf('kube/cluster.ts')).toBeLessThan(layerOf('lib/identity.ts'))
    expect(layerOf('app.ts')).toBeGreaterThan(layerOf('routes/vms.ts'))
    const circle = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ])
    expect(findCycle(circle)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts'])
    expect(findCycle(new Map([['a.ts', ['b.ts']]]))).toBeUndefined()
  })
})
