import { useCallback, useSyncExternalStore } from 'react'

export type Theme = 'light' | 'dark'
const KEY = 'vmdeck.theme'
const DARK_CLASS = 'pf-v6-theme-dark'

const read = (): Theme =>
  document.documentElement.classList.contains(DARK_CLASS) ? 'dark' : 'light'

const listeners = new Set<() => void>()

/** Apply the saved theme before React renders, so the first paint has the right colours. */
export function applySavedTheme() {
  const saved = localStorage.getItem(KEY)
  if (saved === 'light' || saved === 'dark') setTheme(saved, false)
}

function setTheme(theme: Theme, persist = true) {
  document.documentElement.classList.toggle(DARK_CLASS, theme === 'dark')
  if (persist) localStorage.setItem(KEY, theme)
  listeners.forEach((listener) => listener())
}

export function useTheme(): [Theme, (theme: Theme) => void] {
  const theme = useSyncExternalStore((listener) => {
    listeners.add(listener)
    return () => void listeners.delete(listener)
  }, read)
  return [theme, useCallback((next: Theme) => setTheme(next), [])]
}
