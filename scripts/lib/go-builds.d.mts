/** A build problem with a message meant for the person at the terminal, as is. */
export class GoBuildError extends Error {}

export interface GoBuildOptions {
  /** The repository (default: the one this file is in); outputs go to <root>/.vmdeck. */
  root?: string
  /** Progress lines ("▸ building …"). */
  log?: (message: string) => void
}

export interface GoBuilds {
  /** The control plane binary (`controlplane run …`, `controlplane kubectl …`). */
  controlPlaneBin: string
  /** One YAML file per CustomResourceDefinition. */
  crdDir: string
}

export function goDirective(goModPath: string): string
export function compareGoVersions(a: string, b: string): -1 | 0 | 1
export function goSourceHash(dir: string, extraFiles?: string[]): string
export function ensureGo(options?: {
  root?: string
  env?: NodeJS.ProcessEnv
  /** Looked in after PATH (default: /usr/local/go/bin, where Go's own installer puts it). */
  fallbackDirs?: string[]
}): {
  go: string
  version: string
}
export function ensureControlPlane(options?: GoBuildOptions & { go?: string }): Promise<string>
export function ensureCrds(options?: GoBuildOptions & { go?: string }): Promise<string>
/** Also sets process.env.VMDECK_CONTROLPLANE_BIN and VMDECK_CRD_DIR (used as is when set). */
export function ensureGoBuilds(options?: GoBuildOptions): Promise<GoBuilds>
export function ensureGoBuildsOrExit(options?: GoBuildOptions): Promise<GoBuilds>
