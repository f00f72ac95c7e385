/** Who a request acts for: the Kubernetes token it carries and whom the API server says it names. */
export interface Identity {
  token: string
  username: string
  groups: string[]
  via: 'cookie' | 'bearer'
  /** The cookie session behind this identity (absent for bearer tokens). */
  session?: { sid: string; iat: number; exp: number }
}
