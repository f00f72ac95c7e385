import { Type, type Static } from 'typebox'
import { PrometheusStatus } from './metrics.ts'

export const UserInfo = Type.Object({
  username: Type.String(),
  groups: Type.Array(Type.String()),
  /** The person's name from the identity provider (its `name` claim), for single sign-on. */
  displayName: Type.Optional(Type.String()),
})
export type UserInfo = Static<typeof UserInfo>

/** What a cluster offers, from API discovery; absent until first detected. */
export const ClusterCapabilities = Type.Object({
  /** The API server's `gitVersion` (`GET /version`). */
  kubernetesVersion: Type.Optional(Type.String()),
  kubevirt: Type.Object({
    /** The `kubevirt.io` API group is served. */
    installed: Type.Boolean(),
    /** virt-api's `gitVersion`, or the KubeVirt CR's `observedKubeVirtVersion`. */
    version: Type.Optional(Type.String()),
  }),
  /** CDI (`cdi.kubevirt.io`): DataVolumes, URL imports, clones. */
  cdi: Type.Boolean(),
  /** KubeVirt VM snapshots (`snapshot.kubevirt.io`). */
  snapshots: Type.Boolean(),
  /** CSI volume snapshots (`snapshot.storage.k8s.io`), which VM snapshots of PVCs need. */
  volumeSnapshots: Type.Boolean(),
  /** Multus (`k8s.cni.cncf.io`): secondary networks. */
  multus: Type.Boolean(),
  /** When these were detected (ISO 8601). */
  detectedAt: Type.String(),
})
export type ClusterCapabilities = Static<typeof ClusterCapabilities>

export const ClusterInfo = Type.Object({
  id: Type.String(),
  server: Type.String(),
  healthy: Type.Boolean(),
  synced: Type.Boolean(),
  message: Type.Optional(Type.String()),
  /** Whether metrics (charts) can work for this cluster, and why not. */
  prometheus: Type.Optional(PrometheusStatus),
  /** KubeVirt and its companions on this cluster (discovery); absent while never reached. */
  capabilities: Type.Optional(ClusterCapabilities),
})
export type ClusterInfo = Static<typeof ClusterInfo>

/** The cookie session behind a request: how it was opened and when it ends. */
export const SessionTimes = Type.Object({
  /** `token`: a pasted Kubernetes token; `sso`: single sign-on with the OpenID provider. */
  method: Type.Union([Type.Literal('token'), Type.Literal('sso')]),
  /** The session ends at this time at the latest, however busy (ISO 8601). */
  expiresAt: Type.String({ format: 'date-time' }),
  /** It ends sooner after this long without a request. */
  idleTimeoutSeconds: Type.Integer({ minimum: 1 }),
  /**
   * Single sign-on: the session is renewed with the provider at least this often, so a removed
   * group or a disabled account shows within it (the console asks again at this pace).
   */
  renewalSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
})
export type SessionTimes = Static<typeof SessionTimes>

export const SessionInfo = Type.Object({
  user: UserInfo,
  clusters: Type.Array(Type.String()),
  /** Absent when the request carries a bearer token instead of a session cookie. */
  session: Type.Optional(SessionTimes),
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
  /** Single sign-on: "Log in with <name>" sends the browser to `loginUrl` (a full navigation). */
  sso: Type.Optional(Type.Object({ name: Type.String(), loginUrl: Type.String() })),
  /** Whether pasting a Kubernetes token is offered (absent: it is). */
  tokenLogin: Type.Optional(Type.Boolean()),
})
export type LoginOptions = Static<typeof LoginOptions>

/** What logging out answers for a single sign-on session: the provider's logout page, if any. */
export const LogoutResult = Type.Object({
  /** RP-initiated logout: send the browser here to end the provider's session too. */
  endSessionUrl: Type.Optional(Type.String()),
})
export type LogoutResult = Static<typeof LogoutResult>
