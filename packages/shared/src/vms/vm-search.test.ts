import { describe, expect, it } from 'vitest'
import { folderLabelValue, folderOf, folderPathProblem, inFolder } from './vm-folders.ts'
import { parseVmSearch, pausedForMs, statusesNamed, wildcard } from './vm-search.ts'
import { suggestVmSearch } from './vm-search-suggest.ts'

const terms = (text: string) => {
  const parsed = parseVmSearch(text)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.terms.map(({ key, value, negated }) => ({ key, value, negated }))
}
const error = (text: string) => {
  const parsed = parseVmSearch(text)
  if (parsed.ok) throw new Error(`"${text}" parsed`)
  return parsed.error
}

describe('parseVmSearch', () => {
  it('reads every key, with its value as typed', () => {
    expect(
      terms(
        'status:running node:node-2 label:tier=web os:debian folder:prod/web name:web-* ns:dev namespace:prod paused:>1d',
      ),
    ).toEqual([
      { key: 'status', value: 'running', negated: false },
      { key: 'node', value: 'node-2', negated: false },
      { key: 'label', value: 'tier=web', negated: false },
      { key: 'os', value: 'debian', negated: false },
      { key: 'folder', value: 'prod/web', negated: false },
      { key: 'name', value: 'web-*', negated: false },
      { key: 'namespace', value: 'dev', negated: false },
      { key: 'namespace', value: 'prod', negated: false },
      { key: 'paused', value: '>1d', negated: false },
    ])
  })

  it('reads free text lowercased, quoted values with spaces, negation and keys in any case', () => {
    expect(terms('  Web  "Fedora Linux"  -STATUS:Running os:"Debian GNU/Linux 12" -01')).toEqual([
      { value: 'web', negated: false },
      { value: 'fedora linux', negated: false },
      { key: 'status', value: 'Running', negated: true },
      { key: 'os', value: 'Debian GNU/Linux 12', negated: false },
      // A plain word keeps its dash: searching "-01" finds names ending in it.
      { value: '-01', negated: false },
    ])
    expect(terms('')).toEqual([])
    // An address with colons is free text: "fd00" is no key.
    expect(terms('fd00::1')).toEqual([{ value: 'fd00::1', negated: false }])
  })

  it('records each term’s character range', () => {
    const parsed = parseVmSearch('web  -status:paused')
    expect(parsed.ok && parsed.terms.map((t) => [t.from, t.to])).toEqual([
      [0, 3],
      [5, 19],
    ])
  })

  it('reports a bad term with its range and applies nothing', () => {
    expect(error('web colour:red')).toEqual(expect.objectContaining({ from: 4, to: 14 }))
    expect(error('web colour:red').message).toMatch(/Unknown key "colour:"/)
    expect(error('status:runing')).toEqual(
      expect.objectContaining({ from: 0, to: 13, message: expect.stringMatching(/"runing"/) }),
    )
    expect(error('a name:')).toEqual(expect.objectContaining({ from: 2, to: 7 }))
    expect(error('os:"debian').message).toMatch(/closing "/)
    expect(error('label:=web').message).toMatch(/label key/)
    expect(error('folder:prod.web').message).toMatch(/Folder names/)
    expect(error('paused:1d').message).toMatch(/duration/)
    expect(error('node:a,,b').message).toMatch(/empty value/)
    const parsed = parseVmSearch('web colour:red')
    expect(parsed.ok).toBe(false)
  })
})

describe('the language’s values', () => {
  it('names statuses and status groups', () => {
    expect(statusesNamed('RUNNING')).toEqual(['Running'])
    expect(statusesNamed('error')).toContain('CrashLoopBackOff')
    expect(statusesNamed('transition')).toContain('Starting')
    expect(statusesNamed('nope')).toBeUndefined()
  })

  it('matches wildcards whole', () => {
    expect(wildcard('web-*').test('web-01')).toBe(true)
    expect(wildcard('web-*', false).test('WEB-01')).toBe(true)
    expect(wildcard('web-*').test('my-web-01')).toBe(false)
    expect(wildcard('n?de.1').test('node.1')).toBe(true)
    expect(wildcard('n?de.1').test('nodex1')).toBe(false)
    expect(wildcard('Web').test('web')).toBe(false)
  })

  it('reads durations', () => {
    expect(pausedForMs('>1d')).toBe(86_400_000)
    expect(pausedForMs('>90m')).toBe(5_400_000)
    expect(pausedForMs('>2h')).toBe(7_200_000)
    expect(pausedForMs('1d')).toBeUndefined()
  })

  it('encodes folders as label values and back', () => {
    expect(folderLabelValue('prod/web')).toBe('prod.web')
    expect(folderOf({ 'vmdeck.io/folder': 'prod.web' })).toBe('prod/web')
    expect(folderOf({})).toBeUndefined()
    expect(folderPathProblem('prod/web-1')).toBeUndefined()
    expect(folderPathProblem('prod//web')).toBeDefined()
    expect(folderPathProblem('a'.repeat(64))).toMatch(/63/)
    expect(inFolder('prod/web', 'prod')).toBe(true)
    expect(inFolder('production', 'prod')).toBe(false)
    expect(inFolder(undefined, 'prod')).toBe(false)
  })
})

describe('suggestVmSearch', () => {
  const known = { nodes: ['node-1', 'node-2'], folders: ['prod', 'prod/web'], os: ['Debian 12'] }
  it('completes keys, then known values', () => {
    expect(suggestVmSearch('web st', 6, known).map((s) => s.text)).toEqual(['web status:'])
    expect(suggestVmSearch('-no', 3, known).map((s) => s.text)).toEqual(['-node:'])
    expect(suggestVmSearch('node:', 5, known).map((s) => s.label)).toEqual([
      'node:node-1',
      'node:node-2',
    ])
    expect(suggestVmSearch('folder:prod/ x', 12, known)[0]).toEqual({
      label: 'folder:prod/web',
      text: 'folder:prod/web x',
      caret: 15,
    })
    expect(suggestVmSearch('status:running,pau', 18, known).map((s) => s.text)).toEqual([
      'status:running,paused',
    ])
    expect(suggestVmSearch('os:deb', 6, known).map((s) => s.text)).toEqual(['os:"Debian 12"'])
  })
})
