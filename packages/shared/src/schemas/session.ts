import { Type, type Static } from 'typebox'

export const UserInfo = Type.Object({
  username: Type.String(),
  groups: Type.Array(Type.String()),
})
export type UserInfo = Static<typeof UserInfo>

export const ClusterInfo = Type.Object({
  id: Type.String(),
  server: Type.String(),
  healthy: Type.Boolean(),
  synced: Type.Boolean(),
  message: Type.Optional(Type.String()),
})
export type ClusterInfo = Static<typeof ClusterInfo>

export const SessionInfo = Type.Object({
  user: UserInfo,
  clusters: Type.Array(Type.String()),
})
export type SessionInfo = Static<typeof SessionInfo>

/** Log in with a Kubernetes bearer token, or (demo mode only) as one of the simulator's demo users. */
export const LoginRequest = Type.Union([
  Type.Object(
    { token: Type.String({ minLength: 1, maxLength: 16384 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { demoUser: Type.String({ minLength: 1, maxLength: 63 }) },
    { additionalProperties: false },
  ),
])
export type LoginRequest = Static<typeof LoginRequest>

export const LoginOptions = Type.Object({
  demoUsers: Type.Array(Type.String()),
})
export type LoginOptions = Static<typeof LoginOptions>
