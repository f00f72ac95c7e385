import { CLIENT_ID } from './provider.ts'

/**
 * The prefix kube-apiserver puts before the provider's user names and groups. With it, a user or
 * group the provider names can never be taken for one of the cluster's own (`system:masters`, a
 * token-file user `admin`): RBAC bindings name `oidc:vmdeck-admins`, not `vmdeck-admins`.
 */
export const CLAIM_PREFIX = 'oidc:'

/**
 * kube-apiserver's structured authentication configuration (`--authentication-config`,
 * apiserver.config.k8s.io/v1) trusting this provider's ID tokens for the `vmdeck` audience:
 * `preferred_username` is the user name, `groups` the groups, `sub` the uid, each user name and
 * group prefixed with `oidc:`. JSON is YAML, so the API server reads it as it is.
 */
export function kubeAuthenticationConfig(issuer: string, caPem: string): string {
  return `${JSON.stringify(
    {
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AuthenticationConfiguration',
      jwt: [
        {
          issuer: { url: issuer, audiences: [CLIENT_ID], certificateAuthority: caPem },
          claimMappings: {
            username: { claim: 'preferred_username', prefix: CLAIM_PREFIX },
            groups: { claim: 'groups', prefix: CLAIM_PREFIX },
            uid: { claim: 'sub' },
          },
        },
      ],
    },
    null,
    2,
  )}\n`
}
