import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../builtin-sim.ts'

// The real kubectl (v1.32) with default flags against the simulator.
const run = promisify(execFile)
let sim: Sim
let stateDir: string
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-kubectl-test-'))
  sim = await startSim({ stateDir, port: 0 })
})
afterAll(async () => {
  await sim.close()
  rmSync(stateDir, { recursive: true, force: true })
})

const kubectl = async (...args: string[]) =>
  (await run('kubectl', ['--kubeconfig', sim.kubeconfigPath, ...args])).stdout
const manifest = (name: string, text: string) => {
  const path = join(stateDir, name)
  writeFileSync(path, text)
  return path
}

describe('kubectl', () => {
  it('applies a built-in and a custom resource twice (create, then configure)', async () => {
    const vm = (cores: number) =>
      manifest(
        'vm.yaml',
        `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: applied-vm, namespace: dev}
spec:
  runStrategy: Halted
  template:
    spec:
      domain:
        cpu: {cores: ${cores}}
        memory: {guest: 128Mi}
        devices: {}
`,
      )
    expect(await kubectl('apply', '-f', vm(1))).toBe(
      'virtualmachine.kubevirt.io/applied-vm created\n',
    )
    expect(await kubectl('apply', '-f', vm(2))).toBe(
      'virtualmachine.kubevirt.io/applied-vm configured\n',
    )
    expect(
      await kubectl(
        'get',
        'vm',
        '-n',
        'dev',
        'applied-vm',
        '-o',
        'jsonpath={.spec.template.spec.domain.cpu.cores}',
      ),
    ).toBe('2')
    const cm = manifest(
      'cm.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied, namespace: dev}\ndata: {a: "1"}\n',
    )
    expect(await kubectl('apply', '-f', cm)).toBe('configmap/applied created\n')
    expect(await kubectl('apply', '-f', cm)).toBe('configmap/applied unchanged\n')
  })

  it('validates KubeVirt objects against their OpenAPI schema, unknown fields per fieldValidation', async () => {
    const vm = (name: string, spec: string) =>
      manifest(
        `${name}.yaml`,
        `apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata: {name: ${name}, namespace: dev}\nspec:\n${spec}`,
      )
    const template = '  template:\n    spec:\n      domain: {devices: {}, cpu: {cores: "two"}}\n'
    await expect(
      kubectl('apply', '-f', vm('typed', `  runStrategy: 3\n${template}`)),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining(
        'The VirtualMachine "typed" is invalid: \n* spec.runStrategy: Invalid value: "integer": spec.runStrategy in body must be of type string: "integer"\n* spec.template.spec.domain.cpu.cores: Invalid value: "string"',
      ),
    })
    const unknown = vm(
      'unknown',
      '  runStrategy: Halted\n  colour: blue\n  template: {spec: {domain: {devices: {}}}}\n',
    )
    // kubectl's default --validate=strict asks the server for fieldValidation=Strict.
    await expect(kubectl('apply', '-f', unknown)).rejects.toMatchObject({
      stderr: expect.stringContaining(
        'VirtualMachine in version "v1" cannot be handled as a VirtualMachine: strict decoding error: unknown field "spec.colour"',
      ),
    })
    const warned = await run('kubectl', [
      '--kubeconfig',
      sim.kubeconfigPath,
      'create',
      '--validate=warn',
      '-f',
      unknown,
    ])
    expect(warned.stderr).toContain('Warning: unknown field "spec.colour"')
    expect(warned.stdout).toBe('virtualmachine.kubevirt.io/unknown created\n')
  })

  it('serves a kind as soon as its CustomResourceDefinition is applied', async () => {
    const crd = manifest(
      'crd.yaml',
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wdg]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    additionalPrinterColumns:
    - {name: Size, type: string, jsonPath: .spec.size}
`,
    )
    await kubectl('apply', '-f', crd)
    const widget = manifest(
      'widget.yaml',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: dev}\nspec: {size: large}\n',
    )
    expect(await kubectl('apply', '-f', widget)).toBe('widget.example.com/w1 created\n')
    expect(await kubectl('get', 'wdg', '-n', 'dev')).toMatch(/^NAME\s+SIZE\nw1\s+large\n$/)
  })

  it('patches with a JSON patch and deletes', async () => {
    await kubectl(
      'patch',
      'vm',
      '-n',
      'dev',
      'sandbox',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/labels/patched","value":"yes"}]',
    )
    expect(await kubectl('get', 'vm', '-n', 'dev', '-l', 'patched=yes', '-o', 'name')).toBe(
      'virtualmachine.kubevirt.io/sandbox\n',
    )
    await kubectl('create', 'configmap', 'doomed', '-n', 'dev')
    expect(await kubectl('delete', 'configmap', 'doomed', '-n', 'dev')).toBe(
      'configmap "doomed" deleted\n',
    )
  })

  it('creates built-in kinds that kubectl sends as protobuf', async () => {
    await kubectl('create', 'namespace', 'proto-ns')
    await kubectl(
      'create',
      'configmap',
      'proto-cm',
      '-n',
      'proto-ns',
      '--from-literal=greeting=hello',
    )
    await kubectl(
      'create',
      'secret',
      'generic',
      'proto-secret',
      '-n',
      'proto-ns',
      '--from-literal=pw=s3cret',
    )
    expect(
      await kubectl(
        'get',
        'configmap',
        'proto-cm',
        '-n',
        'proto-ns',
        '-o',
        'jsonpath={.data.greeting}',
      ),
    ).toBe('hello')
    expect(
      await kubectl('get', 'secret', 'proto-secret', '-n', 'proto-ns', '-o', 'jsonpath={.data.pw}'),
    ).toBe(Buffer.from('s3cret').toString('base64'))
  })

  it('describes a VM and waits for a jsonpath condition', async () => {
    const out = await kubectl('describe', 'vm', '-n', 'prod', 'web-01')
    expect(out).toMatch(/^Name:\s+web-01$/m)
    expect(out).toMatch(/^API Version:\s+kubevirt.io\/v1$/m)
    expect(
      await kubectl(
        'wait',
        '--for=jsonpath={.status.printableStatus}=Running',
        'vm/web-01',
        '-n',
        'prod',
        '--timeout=30s',
      ),
    ).toBe('virtualmachine.kubevirt.io/web-01 condition met\n')
  })

  it('prints built-in printer columns, with -o wide adding the priority ones', async () => {
    expect((await kubectl('get', 'nodes')).split('\n')[0]).toMatch(
      /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/,
    )
    expect(await kubectl('get', 'nodes', '-o', 'wide')).toMatch(
      /node-1\s+Ready\s+<none>\s+\S+\s+v1\.32\.0\s+192\.168\.122\.11\s+<none>\s+Debian/,
    )
    expect((await kubectl('get', 'pods', '-A')).split('\n')[0]).toMatch(
      /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/,
    )
    expect((await kubectl('get', 'vmis', '-A', '-o', 'wide')).split('\n')[0]).toMatch(
      /^NAMESPACE\s+NAME\s+AGE\s+PHASE\s+IP\s+NODENAME\s+READY\s+LIVE-MIGRATABLE\s+PAUSED$/,
    )
  })

  it('streams changes with `kubectl get -w`', async () => {
    const watch = spawn('kubectl', [
      '--kubeconfig',
      sim.kubeconfigPath,
      'get',
      'vm',
      '-n',
      'dev',
      'sandbox',
      '-w',
      '--output-watch-events',
    ])
    let out = ''
    const seen = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => pattern.test(out) && resolve()
        watch.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          check()
        })
        watch.on('exit', () => reject(new Error(`kubectl exited; output: ${out}`)))
        check()
      })
    try {
      await seen(/ADDED\s+sandbox/)
      await kubectl('label', 'vm', '-n', 'dev', 'sandbox', 'watched=yes')
      // Later events keep the printer columns (the watch sends Tables too).
      await seen(/MODIFIED\s+sandbox\s+\S+\s+\S+\s+(True|False)/)
    } finally {
      watch.kill()
    }
  })

  it('lists every kind in api-resources and explains a KubeVirt field', async () => {
    const resources = await kubectl('api-resources', '-o', 'name')
    for (const name of [
      'virtualmachines.kubevirt.io',
      'datavolumes.cdi.kubevirt.io',
      'network-attachment-definitions.k8s.cni.cncf.io',
      'volumesnapshots.snapshot.storage.k8s.io',
      'clusterroles.rbac.authorization.k8s.io',
      'selfsubjectaccessreviews.authorization.k8s.io',
      'customresourcedefinitions.apiextensions.k8s.io',
      'storageclasses.storage.k8s.io',
    ])
      expect(resources.split('\n')).toContain(name)
    expect(
      await kubectl(
        'get',
        'crd',
        'virtualmachines.kubevirt.io',
        '-o',
        'jsonpath={.spec.scope} {.spec.names.shortNames}',
      ),
    ).toBe('Namespaced ["vm","vms"]')
    const explained = await kubectl('explain', 'vm.spec.runStrategy')
    expect(explained).toMatch(/KIND:\s+VirtualMachine/)
    expect(explained).toMatch(/FIELD: runStrategy <string>/)
  })
})
