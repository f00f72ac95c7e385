// X11 keysyms and KeyboardEvent codes for typing text into a VNC console key by key (US layout,
// which is what QEMU's VNC server assumes). A shifted character gets an explicit Shift press:
// with QEMU's extended key events the guest only sees scancodes, so "$" is Shift + Digit4.

export interface Key {
  keysym: number
  code: string
}

export const Keys = {
  shift: { keysym: 0xffe1, code: 'ShiftLeft' },
  control: { keysym: 0xffe3, code: 'ControlLeft' },
  alt: { keysym: 0xffe9, code: 'AltLeft' },
  tab: { keysym: 0xff09, code: 'Tab' },
  enter: { keysym: 0xff0d, code: 'Enter' },
  escape: { keysym: 0xff1b, code: 'Escape' },
  backspace: { keysym: 0xff08, code: 'Backspace' },
  delete: { keysym: 0xffff, code: 'Delete' },
} satisfies Record<string, Key>

/** F1 … F12. */
export const functionKey = (n: number): Key => ({ keysym: 0xffbe + n - 1, code: `F${n}` })

const unshifted = "`1234567890-=[]\\;',./"
const shifted = '~!@#$%^&*()_+{}|:"<>?'
const codes = [
  'Backquote',
  'Digit1',
  'Digit2',
  'Digit3',
  'Digit4',
  'Digit5',
  'Digit6',
  'Digit7',
  'Digit8',
  'Digit9',
  'Digit0',
  'Minus',
  'Equal',
  'BracketLeft',
  'BracketRight',
  'Backslash',
  'Semicolon',
  'Quote',
  'Comma',
  'Period',
  'Slash',
]

export interface Keystroke {
  key: Key
  shift: boolean
}

/** How to type one character; undefined for characters a US keyboard has no key for. */
export function keystrokeFor(char: string): Keystroke | undefined {
  if (char === '\n' || char === '\r') return { key: Keys.enter, shift: false }
  if (char === '\t') return { key: Keys.tab, shift: false }
  if (char === ' ') return { key: { keysym: 0x20, code: 'Space' }, shift: false }
  const cp = char.codePointAt(0) ?? 0
  if (char >= 'a' && char <= 'z')
    return { key: { keysym: cp, code: `Key${char.toUpperCase()}` }, shift: false }
  if (char >= 'A' && char <= 'Z') return { key: { keysym: cp, code: `Key${char}` }, shift: true }
  let at = unshifted.indexOf(char)
  if (at >= 0) return { key: { keysym: cp, code: codes[at] ?? '' }, shift: false }
  at = shifted.indexOf(char)
  if (at >= 0) return { key: { keysym: cp, code: codes[at] ?? '' }, shift: true }
  return undefined
}

/** Turns text into keystrokes; reports the characters that cannot be typed. */
export function keystrokesFor(text: string): { strokes: Keystroke[]; untypable: string[] } {
  const strokes: Keystroke[] = []
  const untypable = new Set<string>()
  for (const char of text.replace(/\r\n/g, '\n')) {
    const stroke = keystrokeFor(char)
    if (stroke) strokes.push(stroke)
    else untypable.add(char)
  }
  return { strokes, untypable: [...untypable] }
}

/** The key combinations of the toolbar menu. */
export const keyCombos: { label: string; keys: Key[] }[] = [
  ...Array.from({ length: 12 }, (_, i) => ({
    label: `Ctrl+Alt+F${i + 1}`,
    keys: [Keys.control, Keys.alt, functionKey(i + 1)],
  })),
  { label: 'Alt+Tab', keys: [Keys.alt, Keys.tab] },
  { label: 'Esc', keys: [Keys.escape] },
  { label: 'Ctrl+C', keys: [Keys.control, { keysym: 0x63, code: 'KeyC' }] },
  { label: 'Ctrl+D', keys: [Keys.control, { keysym: 0x64, code: 'KeyD' }] },
  { label: 'Ctrl+Alt+Backspace', keys: [Keys.control, Keys.alt, Keys.backspace] },
]
