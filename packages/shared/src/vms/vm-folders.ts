/**
 * Folders live on the VM itself so `kubectl` users see them: the label `vmdeck.io/folder` holds
 * the path with `.` between its parts (`prod/web` → `prod.web`), because label values cannot
 * hold `/`. Folder names are therefore limited to letters, digits, `-` and `_`, and a path to 63
 * characters once encoded. A VM without the label sits at its namespace's top level.
 */
export const FOLDER_LABEL = 'vmdeck.io/folder'

const PART = /^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?$/
const MAX_LABEL_VALUE = 63

/** Why a folder path cannot be stored, or undefined when it can. */
export function folderPathProblem(path: string): string | undefined {
  const parts = path.split('/')
  if (parts.some((part) => !PART.test(part)))
    return 'Folder names hold letters, digits, "-" and "_", start and end with a letter or digit, and are separated by "/".'
  if (parts.join('.').length > MAX_LABEL_VALUE)
    return `A folder path holds at most ${MAX_LABEL_VALUE} characters.`
  return undefined
}

/** The label value for a folder path (checked with `folderPathProblem` first). */
export const folderLabelValue = (path: string): string => path.split('/').join('.')

/** The folder path a VM's labels place it in; undefined at the namespace's top level. */
export function folderOf(labels: Readonly<Record<string, string>>): string | undefined {
  const value = labels[FOLDER_LABEL]
  return value ? value.split('.').join('/') : undefined
}

/** Whether `folder` is `path` or one of its subfolders. */
export const inFolder = (folder: string | undefined, path: string): boolean =>
  folder !== undefined && (folder === path || folder.startsWith(`${path}/`))
