// deploy/: every overlay renders with `kubectl kustomize`, every object validates against the
// Kubernetes schemas (kubernetes-models), and the objects keep the promises the README makes:
// restricted pods with probes and resources, least-privilege RBAC, configuration the BFF reads.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { deployDir, find, overlays, render, root, type KubeObject } from './helpers.ts'

interface Validatable {
  validate(): void
}
type ModelClass = new (data: object) => Validatable

/** The kubernetes-models class of an object's apiVersion and kind. */
async function modelOf(object: KubeObject): Promise<ModelClass> {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion]
  const module = (await import(
    `kubernetes-models/${group ? `${group}/` : ''}${version}`
  )) as Record<string, ModelClass | undefined>
  const model = module[object.kind]
  if (!model) throw new Error(`kubernetes-models has no ${object.apiVersion} ${object.kind}`)
  return model
}

async function validate(object: KubeObject): Promise<void> {
  const Model = await modelOf(object)
  new Model(object).validate()
}

interface Container {
  name: string
  image: string
  args?: string[]
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]
  ports?: { name: string; containerPort: number }[]
  startupProbe?: { httpGet?: { path: string; port: string }; exec?: { command: string[] } }
  livenessProbe?: { httpGet?: { path: string; port: string } }
  readinessProbe?: { httpGet?: { path: string; port: string } }
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  securityContext?: Record<string, unknown>
  restartPolicy?: string
}
interface Deployment extends KubeObject {
  spec: {
    replicas: number
    selector: { matchLabels: Record<string, string> }
    template: {
      metadata: { labels: Record<string, string> }
      spec: {
        serviceAccountName: string
        securityContext: Record<string, unknown>
        containers: Container[]
        initContainers?: Container[]
      }
    }
  }
}
interface Rule {
  apiGroups: string[]
  resources: string[]
  verbs: string[]
}

const allObjects = Object.fromEntries(
  overlays.map((overlay) => [overlay, render(join(deployDir, 'overlays', overlay))]),
)

describe('deploy/ overlays', () => {
  it('has the overlays the README documents', () => {
    expect(overlays).toEqual(['demo', 'production'])
  })

  describe.each(overlays)('overlay %s', (overlay) => {
    const objects = allObjects[overlay]!
    const deployment = find<Deployment>(objects, 'Deployment', 'vmdeck')
    const pod = deployment.spec.template.spec
    const vmdeck = pod.containers.find((c) => c.name === 'vmdeck')!

    it('renders objects that all validate against the Kubernetes schemas', async () => {
      expect(objects.length).toBeGreaterThanOrEqual(6)
      for (const object of objects) {
        await expect(
          validate(object),
          `${object.kind} ${object.metadata.name}`,
        ).resolves.toBeUndefined()
      }
    })

    it('puts every namespaced object into the overlay namespace, which it creates', () => {
      const namespace = find(objects, 'Namespace').metadata.name
      const clusterScoped = new Set([
        'Namespace',
        'ClusterRole',
        'ClusterRoleBinding',
        'CustomResourceDefinition',
      ])
      for (const object of objects)
        expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe(
          clusterScoped.has(object.kind) ? undefined : namespace,
        )
      expect(find(objects, 'Namespace').metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
      })
    })

    it('runs every container restricted: non-root, read-only root, no capabilities, seccomp', () => {
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      })
      expect(pod.securityContext.runAsUser).not.toBe(0)
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(container.securityContext, container.name).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        })
        expect(container.resources?.requests, container.name).toMatchObject({
          cpu: expect.any(String),
          memory: expect.any(String),
        })
        expect(container.resources?.limits?.memory, container.name).toEqual(expect.any(String))
        expect(container.image, container.name).toMatch(/^vmdeck\/[a-z-]+:\d+\.\d+\.\d+$/)
      }
    })

    it('probes the BFF on /healthz (startup, liveness) and /readyz (readiness)', () => {
      const port = vmdeck.ports!.find((p) => p.name === 'http')!
      expect(port.containerPort).toBe(8080)
      expect(vmdeck.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' })
      expect(vmdeck.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' })
      expect(vmdeck.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' })
    })

    it('selects its pods with the Service (and the PodDisruptionBudget when there is one)', () => {
      const labels = deployment.spec.template.metadata.labels
      expect(labels).toMatchObject(deployment.spec.selector.matchLabels)
      const service = find<
        KubeObject & { spec: { selector: Record<string, string>; ports: { targetPort: string }[] } }
      >(objects, 'Service', 'vmdeck')
      expect(labels).toMatchObject(service.spec.selector)
      expect(service.spec.ports[0]!.targetPort).toBe('http')
      for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget'))
        expect(labels).toMatchObject(
          (pdb as unknown as { spec: { selector: { matchLabels: object } } }).spec.selector
            .matchLabels,
        )
    })

    it('configures the BFF only with variables the BFF reads', () => {
      const refs = vmdeck.envFrom ?? []
      const configMapName = refs.find((r) => r.configMapRef)!.configMapRef!.name
      const configMap = find<KubeObject & { data: Record<string, string> }>(
        objects,
        'ConfigMap',
        configMapName,
      )
      expect(refs.find((r) => r.secretRef)?.secretRef?.name).toMatch(/^vmdeck-session/)
      const sources = readdirRecursive(join(root, 'apps/bff/src'))
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n')
      for (const key of Object.keys(configMap.data))
        expect(sources.includes(key) || key === 'KUBECONFIG', `${key} is read by the BFF`).toBe(
          true,
        )
      expect(configMap.data.VMDECK_HOST).toBe('0.0.0.0')
      expect(configMap.data.VMDECK_PORT).toBe('8080')
    })
  })

  describe('RBAC of the shared caches', () => {
    const role = find<KubeObject & { rules: Rule[] }>(allObjects.production!, 'ClusterRole')
    const allowed = (group: string, resource: string, verb: string) =>
      role.rules.some(
        (rule) =>
          rule.apiGroups.includes(group) &&
          rule.resources.includes(resource) &&
          rule.verbs.includes(verb),
      )

    it('lets the BFF list and watch every kind its caches hold', () => {
      const read: [string, string][] = [
        ['kubevirt.io', 'virtualmachines'],
        ['kubevirt.io', 'virtualmachineinstances'],
        ['kubevirt.io', 'virtualmachineinstancemigrations'],
        ['snapshot.kubevirt.io', 'virtualmachinesnapshots'],
        ['snapshot.kubevirt.io', 'virtualmachinerestores'],
        ['clone.kubevirt.io', 'virtualmachineclones'],
        ['cdi.kubevirt.io', 'datavolumes'],
        ['', 'nodes'],
        ['', 'namespaces'],
        ['', 'pods'],
        ['rbac.authorization.k8s.io', 'rolebindings'],
        ['rbac.authorization.k8s.io', 'clusterrolebindings'],
      ]
      for (const [group, resource] of read)
        for (const verb of ['list', 'watch'])
          expect(allowed(group, resource, verb), `${verb} ${resource}.${group}`).toBe(true)
      for (const [group, resource] of [
        ['authorization.k8s.io', 'subjectaccessreviews'],
        ['authorization.k8s.io', 'selfsubjectaccessreviews'],
        ['authentication.k8s.io', 'selfsubjectreviews'],
      ] as const)
        expect(allowed(group, resource, 'create'), `create ${resource}`).toBe(true)
    })

    it('grants nothing more: no wildcards, no writes, no Secrets, no impersonation', () => {
      for (const rule of role.rules) {
        for (const field of [rule.apiGroups, rule.resources, rule.verbs])
          expect(field).not.toContain('*')
        expect(rule.resources).not.toContain('secrets')
        expect(rule.verbs).not.toContain('impersonate')
        const reviews = rule.resources.every((r) => r.endsWith('reviews'))
        for (const verb of rule.verbs)
          expect(reviews ? ['create'] : ['get', 'list', 'watch']).toContain(verb)
      }
    })
  })

  describe('production overlay', () => {
    const objects = allObjects.production!
    const pod = find<Deployment>(objects, 'Deployment').spec.template.spec

    it('binds the service account the pods run as to the read-only cache role', () => {
      const account = find(objects, 'ServiceAccount')
      expect(pod.serviceAccountName).toBe(account.metadata.name)
      const binding = find<KubeObject & { subjects: object[]; roleRef: { name: string } }>(
        objects,
        'ClusterRoleBinding',
      )
      expect(binding.subjects).toEqual([
        {
          kind: 'ServiceAccount',
          name: account.metadata.name,
          namespace: account.metadata.namespace,
        },
      ])
      expect(binding.roleRef.name).toBe(find(objects, 'ClusterRole').metadata.name)
    })

    it('runs two replicas that share the session keys of a Secret it does not ship', () => {
      expect(find<Deployment>(objects, 'Deployment').spec.replicas).toBe(2)
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([])
    })

    it('publishes vmdeck through an Ingress and fences it with a NetworkPolicy', () => {
      const ingress = find<
        KubeObject & {
          spec: {
            rules: {
              host: string
              http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] }
            }[]
          }
        }
      >(objects, 'Ingress')
      const backend = ingress.spec.rules[0]!.http.paths[0]!.backend.service
      expect(backend).toEqual({ name: 'vmdeck', port: { name: 'http' } })
      const config = find<KubeObject & { data: Record<string, string> }>(objects, 'ConfigMap')
      expect(config.data.VMDECK_PUBLIC_ORIGIN).toBe(`https://${ingress.spec.rules[0]!.host}`)
      const policy = find<KubeObject & { spec: { podSelector: { matchLabels: object } } }>(
        objects,
        'NetworkPolicy',
      )
      expect(find<Deployment>(objects, 'Deployment').spec.template.metadata.labels).toMatchObject(
        policy.spec.podSelector.matchLabels,
      )
    })

    it('serves /metrics on its own port, admits Prometheus to it and the Ingress controller to the app only (issue 12)', () => {
      type Peer = { namespaceSelector?: { matchLabels: Record<string, string> } }
      const policy = find<
        KubeObject & {
          spec: { ingress: { from: Peer[]; ports: { port: number }[] }[] }
        }
      >(objects, 'NetworkPolicy')
      const admitted = (namespace: string) =>
        policy.spec.ingress
          .filter((rule) =>
            rule.from.some(
              (peer) =>
                peer.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === namespace,
            ),
          )
          .flatMap((rule) => rule.ports.map((p) => p.port))
      expect(admitted('monitoring')).toEqual([9464])
      expect(admitted('ingress-nginx')).toEqual([8080])
      const container = find<Deployment>(objects, 'Deployment').spec.template.spec.containers[0]!
      expect(
        (container as { ports?: { name: string; containerPort: number }[] }).ports,
      ).toContainEqual({ name: 'metrics', containerPort: 9464, protocol: 'TCP' })
      const config = find<KubeObject & { data: Record<string, string> }>(objects, 'ConfigMap')
      expect(config.data.VMDECK_METRICS_PORT).toBe('9464')
      // The Service (what the Ingress reaches) does not carry the metrics port.
      const service = find<
        KubeObject & { spec: { ports: { port: number; targetPort: unknown }[] } }
      >(objects, 'Service')
      expect(service.spec.ports.map((p) => p.targetPort)).not.toContain('metrics')
      expect(service.spec.ports.map((p) => p.targetPort)).not.toContain(9464)
    })
  })

  describe('task records (tasks.vmdeck.io)', () => {
    const objects = allObjects.production!
    type Role = KubeObject & { rules: Rule[] }
    const rulesOf = (name: string) => find<Role>(objects, 'ClusterRole', name).rules
    const grants = (rules: Rule[], resource: string, verb: string) =>
      rules.some(
        (rule) =>
          rule.apiGroups.includes('vmdeck.io') &&
          rule.resources.includes(resource) &&
          rule.verbs.includes(verb),
      )

    it('installs the namespaced CRD with a status subresource and the printer columns', () => {
      const crd = find<
        KubeObject & {
          spec: {
            scope: string
            versions: {
              name: string
              subresources?: { status?: object }
              additionalPrinterColumns: { name: string }[]
            }[]
          }
        }
      >(objects, 'CustomResourceDefinition', 'tasks.vmdeck.io')
      expect(crd.spec.scope).toBe('Namespaced')
      const [version] = crd.spec.versions
      expect(version?.name).toBe('v1alpha1')
      expect(version?.subresources?.status).toEqual({})
      expect(version?.additionalPrinterColumns.map((c) => c.name)).toEqual([
        'User',
        'Action',
        'Target',
        'Outcome',
        'Age',
      ])
    })

    it("lets vmdeck's service account, and it alone, write task records", () => {
      const writer = rulesOf('vmdeck-tasks-writer')
      for (const verb of ['create', 'update', 'delete'])
        expect(grants(writer, 'tasks', verb), verb).toBe(true)
      expect(grants(writer, 'tasks/status', 'patch')).toBe(true)
      for (const rule of writer) expect(rule.verbs).not.toContain('*')
      const binding = find<KubeObject & { subjects: object[] }>(
        objects,
        'ClusterRoleBinding',
        'vmdeck-tasks-writer',
      )
      const account = find(objects, 'ServiceAccount')
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'vmdeck', namespace: account.metadata.namespace },
      ])
    })

    it('aggregates read access only into the view role people hold', () => {
      const view = find<Role>(objects, 'ClusterRole', 'vmdeck-tasks-view')
      expect(view.metadata.labels).toMatchObject({
        'rbac.authorization.k8s.io/aggregate-to-view': 'true',
      })
      for (const rule of view.rules) expect(rule.verbs).toEqual(['get', 'list', 'watch'])
    })
  })

  describe('demo overlay', () => {
    const objects = allObjects.demo!
    const pod = find<Deployment>(objects, 'Deployment').spec.template.spec

    it('holds no rights in the cluster it runs in: no role, no binding, no token', () => {
      expect(objects.filter((o) => /Role/.test(o.kind))).toEqual([])
      expect((pod as { automountServiceAccountToken?: boolean }).automountServiceAccountToken).toBe(
        false,
      )
    })

    it('starts the control plane, then the simulator attached to it, as native sidecars before vmdeck', () => {
      const sidecars = pod.initContainers!
      expect(sidecars.map((c) => c.name)).toEqual(['idp', 'controlplane', 'cluster-sim'])
      const [, controlplane, sim] = sidecars as [Container, Container, Container]
      const flag = (args: string[], name: string) => args[args.indexOf(name) + 1]
      for (const sidecar of sidecars) expect(sidecar.restartPolicy, sidecar.name).toBe('Always')
      // The control plane owns the API port of the pod's loopback; the simulator serves none.
      expect(flag(controlplane.args!, '--port')).toBe('6443')
      expect(flag(controlplane.args!, '--host')).toBe('127.0.0.1')
      expect(controlplane.startupProbe?.exec?.command.join(' ')).toContain('get --raw /readyz')
      expect(flag(sim.args!, '--attach')).toBe(flag(controlplane.args!, '--state-dir'))
      expect(sim.args).not.toContain('--port')
      // Ready (and vmdeck started) once its metrics target answers: it opens it after writing
      // the kubeconfig.
      expect(sim.startupProbe?.exec?.command.join(' ')).toContain(
        `http://127.0.0.1:${flag(sim.args!, '--metrics-port')}/metrics`,
      )
      expect(sim.args).toEqual(
        expect.arrayContaining([
          '--kubeconfig',
          '/var/lib/vmdeck/kubeconfig',
          '--host',
          '127.0.0.1',
        ]),
      )
      const config = find<KubeObject & { data: Record<string, string> }>(objects, 'ConfigMap')
      expect(config.data.KUBECONFIG).toBe('/var/lib/vmdeck/kubeconfig')
      expect(config.data.VMDECK_DEMO).toBe('1')
    })
  })

  describe('console recordings component', () => {
    // The production overlay with the optional component, as an operator's overlay would add it
    // (kustomize takes relative paths only).
    const dir = mkdtempSync(join(tmpdir(), 'vmdeck-kustomize-'))
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: vmdeck',
        'resources:',
        `  - ${relative(dir, join(deployDir, 'overlays/production'))}`,
        'components:',
        `  - ${relative(dir, join(deployDir, 'components/recordings'))}`,
      ].join('\n'),
    )
    let objects: KubeObject[]
    try {
      objects = render(dir)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }

    it('keeps recordings on a ReadWriteMany claim mounted where the BFF writes them', async () => {
      const claim = find<KubeObject & { spec: { accessModes: string[] } }>(
        objects,
        'PersistentVolumeClaim',
        'vmdeck-recordings',
      )
      expect(claim.metadata.namespace).toBe('vmdeck')
      expect(claim.spec.accessModes).toEqual(['ReadWriteMany'])
      const deployment = find<
        Deployment & {
          spec: {
            template: {
              spec: {
                volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[]
                containers: (Container & { volumeMounts: { name: string; mountPath: string }[] })[]
              }
            }
          }
        }
      >(objects, 'Deployment')
      const pod = deployment.spec.template.spec
      expect(pod.volumes).toContainEqual({
        name: 'recordings',
        persistentVolumeClaim: { claimName: 'vmdeck-recordings' },
      })
      expect(pod.containers[0]!.volumeMounts).toContainEqual({
        name: 'recordings',
        mountPath: '/var/lib/vmdeck/recordings',
      })
      // The non-root user may write the volume; the rest of the pod's restrictions stay.
      expect(pod.securityContext).toMatchObject({ fsGroup: 1000, runAsNonRoot: true })
      const config = find<KubeObject & { data: Record<string, string> }>(objects, 'ConfigMap')
      expect(config.data.VMDECK_CONSOLE_RECORDINGS_DIR).toBe('/var/lib/vmdeck/recordings')
      // Still off until the operator names namespaces.
      expect(config.data.VMDECK_CONSOLE_RECORDING_NAMESPACES).toBeUndefined()
      for (const object of objects) await validate(object)
    })
  })

  it('is checked by a validator that rejects an invalid object', async () => {
    const deployment = structuredClone(find<Deployment>(allObjects.production!, 'Deployment'))
    ;(deployment.spec as unknown as Record<string, unknown>).replicas = 'two'
    await expect(validate(deployment)).rejects.toThrow(/replicas/)
    const noContainers = structuredClone(find<Deployment>(allObjects.production!, 'Deployment'))
    delete (noContainers.spec.template.spec as Partial<Deployment['spec']['template']['spec']>)
      .containers
    await expect(validate(noContainers)).rejects.toThrow(/containers/)
  })
})

function readdirRecursive(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? readdirRecursive(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}
