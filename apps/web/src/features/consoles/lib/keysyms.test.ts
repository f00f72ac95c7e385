import { describe, expect, it } from 'vitest'
import { keyCombos, keystrokeFor, keystrokesFor } from './keysyms.ts'

describe('paste as keystrokes', () => {
  it('types shifted characters as Shift + the key that carries them (US layout)', () => {
    expect(keystrokeFor('$')).toEqual({ key: { keysym: 0x24, code: 'Digit4' }, shift: true })
    expect(keystrokeFor('4')).toEqual({ key: { keysym: 0x34, code: 'Digit4' }, shift: false })
    expect(keystrokeFor('A')).toEqual({ key: { keysym: 0x41, code: 'KeyA' }, shift: true })
    expect(keystrokeFor('a')).toEqual({ key: { keysym: 0x61, code: 'KeyA' }, shift: false })
    expect(keystrokeFor('>')).toMatchObject({ key: { code: 'Period' }, shift: true })
    expect(keystrokeFor('|')).toMatchObject({ key: { code: 'Backslash' }, shift: true })
    expect(keystrokeFor('"')).toMatchObject({ key: { code: 'Quote' }, shift: true })
  })

  it('turns a command line into keystrokes and reports what cannot be typed', () => {
    const { strokes, untypable } = keystrokesFor('echo $((6*7)) > /dev/ttyS0\né')
    expect(strokes.filter((s) => s.shift).map((s) => String.fromCharCode(s.key.keysym))).toEqual([
      '$',
      '(',
      '(',
      '*',
      ')',
      ')',
      '>',
      'S',
    ])
    expect(strokes.at(-1)?.key.code).toBe('Enter')
    expect(untypable).toEqual(['é'])
  })

  it('offers Ctrl+Alt+F1 … F12, Alt+Tab and Esc', () => {
    const labels = keyCombos.map((c) => c.label)
    for (let n = 1; n <= 12; n++) expect(labels).toContain(`Ctrl+Alt+F${n}`)
    expect(labels).toEqual(expect.arrayContaining(['Alt+Tab', 'Esc']))
    expect(keyCombos.find((c) => c.label === 'Ctrl+Alt+F1')?.keys.at(-1)).toEqual({
      keysym: 0xffbe,
      code: 'F1',
    })
  })
})
