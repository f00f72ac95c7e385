import { describe, expect, it } from 'vitest'
import { declaresRunStrategy, runStrategyOf } from './run-strategy.ts'

describe('runStrategyOf', () => {
  it('reads runStrategy, else running, else Halted', () => {
    expect(runStrategyOf({ spec: { runStrategy: 'Manual' } })).toBe('Manual')
    expect(runStrategyOf({ spec: { running: true } })).toBe('Always')
    expect(runStrategyOf({ spec: { running: false } })).toBe('Halted')
    expect(runStrategyOf({})).toBe('Halted')
  })

  it('tells a VM that declares a strategy from one that does not', () => {
    expect(declaresRunStrategy({ spec: { running: false } })).toBe(true)
    expect(declaresRunStrategy({ spec: { runStrategy: 'Always' } })).toBe(true)
    expect(declaresRunStrategy({ spec: {} })).toBe(false)
  })
})
