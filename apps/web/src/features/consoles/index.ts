// The consoles feature, loaded on demand (app/lazy-features.ts) for the VM detail page's Console
// tab and the standalone console route. noVNC and xterm.js load only when a console is shown.
export { VmConsole, type VmConsoleProps } from './components/vm-console.tsx'
export { ConsoleWindow } from './components/console-window.tsx'
export { consoleWindowPath } from './lib/console-url.ts'
