import { createHash, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

/** One person the provider knows; `groups` goes into the ID token's `groups` claim. */
export interface DirectoryUser {
  username: string
  name: string
  password: string
  groups: string[]
  /** A disabled user cannot sign in, and refreshing an earlier sign-in fails. */
  disabled?: boolean
}

/**
 * The demo's people. Their passwords are demo passwords, shown on the login page on purpose:
 * this provider exists for the demo and the tests, never for real accounts.
 */
export const DEMO_USERS: readonly DirectoryUser[] = [
  {
    username: 'admin',
    name: 'Ada Admin',
    password: 'admin-demo-password',
    groups: ['vmdeck-admins'],
  },
  {
    username: 'helpdesk',
    name: 'Hal Helpdesk',
    password: 'helpdesk-demo-password',
    groups: ['helpdesk'],
  },
  {
    username: 'viewer',
    name: 'Vera Viewer',
    password: 'viewer-demo-password',
    groups: ['auditors'],
  },
]

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * The users, kept in a JSON file that is read again on every look-up: an operator (or a test)
 * disables a user or changes their groups by editing it, and the next sign-in or refresh sees it.
 */
export class UserDirectory {
  readonly #file: string

  constructor(file: string) {
    this.#file = file
    if (!existsSync(file)) this.write(DEMO_USERS)
  }

  get file(): string {
    return this.#file
  }

  all(): DirectoryUser[] {
    const parsed = JSON.parse(readFileSync(this.#file, 'utf8')) as { users?: DirectoryUser[] }
    return Array.isArray(parsed.users) ? parsed.users : []
  }

  /** The enabled user of that name, or undefined. */
  find(username: string): DirectoryUser | undefined {
    return this.all().find((user) => user.username === username && user.disabled !== true)
  }

  /** The enabled user whose password this is; compares digests in constant time. */
  check(username: string, password: string): DirectoryUser | undefined {
    const user = this.find(username)
    const expected = digest(user?.password ?? '\u0000no such user')
    const same = timingSafeEqual(expected, digest(password))
    return user && same ? user : undefined
  }

  write(users: readonly DirectoryUser[]): void {
    const tmp = `${this.#file}.tmp`
    writeFileSync(tmp, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 })
    renameSync(tmp, this.#file)
  }

  /** Changes one user (tests and operators: disable, change groups). */
  update(username: string, change: Partial<Omit<DirectoryUser, 'username'>>): void {
    const users = this.all()
    const index = users.findIndex((user) => user.username === username)
    const user = users[index]
    if (!user) throw new Error(`no user ${username}`)
    users[index] = { ...user, ...change }
    this.write(users)
  }
}
