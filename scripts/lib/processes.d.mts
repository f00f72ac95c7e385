import type { ChildProcess } from 'node:child_process'

export function start(name: string, command: string, args: string[], options?: object): ChildProcess
export function stopAll(signal?: NodeJS.Signals): void
export function waitForExit(child: ChildProcess, ms?: number): Promise<void>
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  ms?: number,
): Promise<RegExpExecArray>
