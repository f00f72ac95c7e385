import { timingSafeEqual } from 'node:crypto'

export interface UserInfo {
  username: string
  uid: string
  groups: string[]
}

/** Bearer-token authentication, as kube-apiserver's static token file authenticator does it. */
export class TokenAuthenticator {
  readonly #tokens = new Map<string, UserInfo>()

  add(token: string, user: UserInfo): void {
    this.#tokens.set(token, user)
  }

  authenticate(authorization: string | undefined): UserInfo | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
    if (!match?.[1]) return undefined
    const presented = Buffer.from(match[1])
    for (const [token, user] of this.#tokens) {
      const known = Buffer.from(token)
      if (known.length === presented.length && timingSafeEqual(known, presented)) {
        // Every authenticated user is in system:authenticated, as in Kubernetes.
        return { ...user, groups: [...user.groups, 'system:authenticated'] }
      }
    }
    return undefined
  }
}
