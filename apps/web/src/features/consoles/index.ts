// The consoles feature, loaded on demand by the VM detail page's Console tab (feature slot) and
// by the standalone console route. noVNC and xterm.js load only when a console is shown.
export { VmConsole, type VmConsoleProps } from './components/vm-console.tsx'
export { ConsoleWindow } from './components/console-window.tsx'
export { consoleWindowPath } from './lib/console-url.ts'
