import type { FieldTable } from './protobuf.ts'

// Field numbers of the built-in kinds `kubectl create <kind>` sends as protobuf, from
// k8s.io/api/core/v1/generated.proto and k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto.
// Timestamps and managedFields are server-owned and left out.
const objectMeta: FieldTable = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  11: ['labels', 'map'],
  12: ['annotations', 'map'],
  13: [
    'ownerReferences',
    {
      list: {
        1: ['kind', 'string'],
        3: ['name', 'string'],
        4: ['uid', 'string'],
        5: ['apiVersion', 'string'],
        6: ['controller', 'bool'],
        7: ['blockOwnerDeletion', 'bool'],
      },
    },
  ],
  14: ['finalizers', 'strings'],
}

// k8s.io/api/rbac/v1/generated.proto
const policyRule: FieldTable = {
  1: ['verbs', 'strings'],
  2: ['apiGroups', 'strings'],
  3: ['resources', 'strings'],
  4: ['resourceNames', 'strings'],
  5: ['nonResourceURLs', 'strings'],
}
const binding: FieldTable = {
  1: ['metadata', objectMeta],
  2: [
    'subjects',
    {
      list: {
        1: ['kind', 'string'],
        2: ['apiGroup', 'string'],
        3: ['name', 'string'],
        4: ['namespace', 'string'],
      },
    },
  ],
  3: ['roleRef', { 1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string'] }],
}

export const builtinProtobufTables: Record<string, FieldTable> = {
  Role: { 1: ['metadata', objectMeta], 2: ['rules', { list: policyRule }] },
  ClusterRole: {
    1: ['metadata', objectMeta],
    2: ['rules', { list: policyRule }],
    3: [
      'aggregationRule',
      {
        1: [
          'clusterRoleSelectors',
          {
            list: {
              1: ['matchLabels', 'map'],
              2: [
                'matchExpressions',
                {
                  list: {
                    1: ['key', 'string'],
                    2: ['operator', 'string'],
                    3: ['values', 'strings'],
                  },
                },
              ],
            },
          },
        ],
      },
    ],
  },
  RoleBinding: binding,
  ClusterRoleBinding: binding,
  ConfigMap: {
    1: ['metadata', objectMeta],
    2: ['data', 'map'],
    3: ['binaryData', 'bytesMap'],
    4: ['immutable', 'bool'],
  },
  Secret: {
    1: ['metadata', objectMeta],
    2: ['data', 'bytesMap'],
    3: ['type', 'string'],
    4: ['stringData', 'map'],
    5: ['immutable', 'bool'],
  },
  Namespace: { 1: ['metadata', objectMeta], 2: ['spec', { 1: ['finalizers', 'strings'] }] },
  ServiceAccount: { 1: ['metadata', objectMeta], 4: ['automountServiceAccountToken', 'bool'] },
  Eviction: {
    1: ['metadata', objectMeta],
    2: [
      'deleteOptions',
      {
        2: ['gracePeriodSeconds', 'int'],
        4: ['propagationPolicy', 'string'],
        5: ['dryRun', 'strings'],
      },
    ],
  },
}
