// docker-compose.yml, checked with Debian's docker-compose 1.29, which parses and validates a
// compose file without a Docker engine (`npm test` installs it).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { startSim } from '@vmdeck/cluster-sim'
import { afterAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { root, run, startProcess } from './helpers.ts'
import { configFromEnv } from '../../apps/bff/src/config.ts'

interface ComposeService {
  build?: { context: string; dockerfile: string }
  restart?: string
  image?: string
  command?: string[]
  environment?: Record<string, string>
  ports?: (string | { published: number | string; target: number; host_ip?: string })[]
  network_mode?: string
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  volumes?: string[]
}

/** docker-compose 1.29 prints ports and volumes in short or long form; one shape for both. */
function ports(service: ComposeService) {
  return (service.ports ?? []).map((port) => {
    if (typeof port !== 'string')
      return { hostIp: port.host_ip ?? '', published: Number(port.published), target: port.target }
    const parts = port.replace(/\/\w+$/, '').split(':')
    const target = Number(parts.pop())
    const published = Number(parts.pop())
    return { hostIp: parts.join(':'), published, target }
  })
}
function volumes(service: ComposeService) {
  return (service.volumes ?? []).map((volume) => {
    const [source = '', target = '', mode = 'rw'] = volume.split(':')
    return { source, target, readOnly: mode === 'ro' }
  })
}

function composeConfig(file: string, env: NodeJS.ProcessEnv = {}) {
  return run('docker-compose', ['--file', file, '--project-directory', root, 'config'], {
    env: { ...process.env, ...env },
  })
}

describe('docker-compose.yml', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'vmdeck-compose-'))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  const result = composeConfig(join(root, 'docker-compose.yml'))
  const config = parse(result.stdout) as { services: Record<string, ComposeService> }

  it('passes `docker-compose config` (v1.29) without warnings', () => {
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(Object.keys(config.services).sort()).toEqual([
      'cluster-sim',
      'controlplane',
      'idp',
      'idp-init',
      'prometheus',
      'vmdeck',
    ])
  })

  it('is checked by a validator that rejects keys docker-compose 1.29 does not know', () => {
    const file = join(scratch, 'docker-compose.yml')
    const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8')
    writeFileSync(file, text.replace('  vmdeck:\n', '  vmdeck:\n    develop:\n      watch: []\n'))
    const bad = composeConfig(file)
    expect(bad.status).not.toBe(0)
    expect(bad.stderr).toMatch(/develop/)
  })

  it('builds its images from Dockerfiles in the repository, with the root as context', () => {
    for (const [name, dockerfile] of [
      ['controlplane', 'apps/cluster-sim/controlplane/Dockerfile'],
      ['cluster-sim', 'apps/cluster-sim/Dockerfile'],
      ['vmdeck', 'apps/bff/Dockerfile'],
      ['idp-init', 'apps/idp/Dockerfile'],
      ['idp', 'apps/idp/Dockerfile'],
    ] as const) {
      const build = config.services[name]!.build!
      expect(build.context).toBe(root)
      expect(build.dockerfile).toBe(dockerfile)
      expect(existsSync(join(root, dockerfile))).toBe(true)
    }
    expect(config.services.prometheus!.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/)
  })

  it('publishes vmdeck (demo mode: admin in one click) on the loopback only, never on all interfaces', () => {
    // The control plane owns the network namespace the others join, so the ports are its.
    const published = ports(config.services.controlplane!)
    expect(published).toContainEqual({ hostIp: '127.0.0.1', published: 8080, target: 8080 })
    for (const service of Object.values(config.services))
      for (const port of ports(service)) expect(port.hostIp).toBe('127.0.0.1')
    expect(published).toContainEqual({ hostIp: '127.0.0.1', published: 9090, target: 9090 })
    // The browser signs in on the demo provider's own page.
    expect(published).toContainEqual({ hostIp: '127.0.0.1', published: 5556, target: 5556 })
    // The Kubernetes API stays inside: nothing but vmdeck, Prometheus and the provider is published.
    expect(published.map((p) => p.target).sort()).toEqual([5556, 8080, 9090])
    const env = config.services.vmdeck!.environment!
    expect(env.VMDECK_HOST).toBe('0.0.0.0')
    expect(env.VMDECK_PORT).toBe('8080')
    expect(env.VMDECK_PUBLIC_ORIGIN).toBe('http://localhost:8080')
    expect(env.VMDECK_DEMO).toBe('1')
    // Inside the container 0.0.0.0 is what the mapping reaches: the documented override.
    expect(env.VMDECK_INSECURE_DEMO).toBe('1')
  })

  it('puts every other service in the control plane’s network namespace, as containers of one pod', () => {
    // kube-apiserver calls back into the simulator on 127.0.0.1 (virt-api's aggregated API and
    // webhooks, the kubelets), and vmdeck reaches kube-apiserver at https://127.0.0.1:6443, an
    // address its serving certificate names (apps/cluster-sim/controlplane/cluster-files.go).
    expect(config.services.controlplane!.network_mode).toBeUndefined()
    for (const name of ['cluster-sim', 'vmdeck', 'prometheus', 'idp']) {
      expect(config.services[name]!.network_mode, name).toBe('service:controlplane')
      expect(ports(config.services[name]!), name).toEqual([])
    }
  })

  it('gives every service a healthcheck, and starts each after the one it needs is healthy', () => {
    for (const [name, service] of Object.entries(config.services))
      // idp-init runs once before the control plane (demo-idp.test.ts).
      if (name !== 'idp-init') expect(service.healthcheck?.test[0], name).toMatch(/^CMD/)
    expect(config.services['cluster-sim']!.depends_on!.controlplane!.condition).toBe(
      'service_healthy',
    )
    expect(config.services.vmdeck!.depends_on!['cluster-sim']!.condition).toBe('service_healthy')
    expect(config.services.prometheus!.depends_on!['cluster-sim']!.condition).toBe(
      'service_healthy',
    )
    expect(config.services.vmdeck!.healthcheck!.test.join(' ')).toContain('/readyz')
    // The simulator is healthy once its metrics target answers, which it opens after writing the
    // kubeconfig vmdeck reads (start-cluster.ts).
    expect(config.services['cluster-sim']!.healthcheck!.test.join(' ')).toContain(
      'http://127.0.0.1:8443/metrics',
    )
  })

  it('shares the kubeconfig the simulator writes with vmdeck, read-only', () => {
    const sim = config.services['cluster-sim']!
    const simState = volumes(sim).find((v) => v.target === '/var/lib/vmdeck')!
    expect(simState.readOnly).toBe(false)
    expect(sim.command).toEqual(
      expect.arrayContaining(['--kubeconfig', '/var/lib/vmdeck/kubeconfig']),
    )
    const vmdeck = config.services.vmdeck!
    expect(vmdeck.environment!.KUBECONFIG).toBe('/var/lib/vmdeck/kubeconfig')
    expect(volumes(vmdeck)).toContainEqual({
      source: simState.source,
      target: '/var/lib/vmdeck',
      readOnly: true,
    })
  })

  it('runs the real control plane with its state in the shared volume, checked on /readyz', () => {
    const controlplane = config.services.controlplane!
    expect(controlplane.command?.slice(0, 2)).toEqual(['controlplane', 'run'])
    expect(controlplane.command).toEqual(
      expect.arrayContaining(['--state-dir', '/var/lib/vmdeck/controlplane', '--port', '6443']),
    )
    const state = volumes(controlplane).find((v) => v.target === '/var/lib/vmdeck')!
    expect(state.readOnly).toBe(false)
    const simState = volumes(config.services['cluster-sim']!).find(
      (v) => v.target === '/var/lib/vmdeck',
    )!
    expect(state.source).toBe(simState.source)
    // Its kubectl, as the admin whose kubeconfig it writes into its state directory.
    expect(controlplane.healthcheck!.test).toEqual([
      'CMD',
      'controlplane',
      'kubectl',
      '--kubeconfig',
      '/var/lib/vmdeck/controlplane/kubeconfigs/admin',
      'get',
      '--raw',
      '/readyz',
    ])
  })

  it('attaches the simulator to that control plane: its state directory, no API of its own', () => {
    const command = config.services['cluster-sim']!.command!
    const flag = (args: string[], name: string) => args[args.indexOf(name) + 1]
    expect(flag(command, '--attach')).toBe(
      flag(config.services.controlplane!.command!, '--state-dir'),
    )
    expect(command).not.toContain('--port')
    expect(flag(command, '--metrics-port')).toBe('8443')
  })

  it('takes the session key from the environment when one is given', () => {
    const key = 'x'.repeat(40)
    const withKey = parse(
      composeConfig(join(root, 'docker-compose.yml'), { VMDECK_SESSION_KEYS: key }).stdout,
    ) as typeof config
    expect(withKey.services.vmdeck!.environment!.VMDECK_SESSION_KEYS).toBe(key)
    // No key written in the file: without one the BFF makes a random key per start.
    const { VMDECK_OIDC_ISSUER: _sso, ...env } = config.services.vmdeck!.environment!
    expect(env.VMDECK_SESSION_KEYS ?? '').toBe('')
    const bff = configFromEnv(env, () => {})
    expect(bff.sessionKeys[0]!.length).toBeGreaterThanOrEqual(32)
    expect(bff.demo).toBe(true)
  })

  it('mounts a Prometheus configuration that scrapes the simulator’s metrics port', () => {
    const mount = volumes(config.services.prometheus!).find(
      (v) => v.target === '/etc/prometheus/prometheus.yml',
    )!
    expect(mount.readOnly).toBe(true)
    expect(mount.source).toBe(join(root, 'deploy/compose/prometheus.yml'))
    const prometheus = parse(readFileSync(mount.source, 'utf8')) as {
      scrape_configs: {
        job_name: string
        scheme: string
        tls_config?: unknown
        static_configs: { targets: string[] }[]
      }[]
    }
    const sim = prometheus.scrape_configs.find((c) => c.job_name === 'cluster-sim')!
    // Plain HTTP on the port the simulator's command gives (no TLS on the metrics target).
    expect(sim.scheme).toBe('http')
    expect(sim.tls_config).toBeUndefined()
    const command = config.services['cluster-sim']!.command!
    const metricsPort = command[command.indexOf('--metrics-port') + 1]
    expect(sim.static_configs[0]!.targets).toEqual([`127.0.0.1:${metricsPort}`])
    // Prometheus's own checker.
    const check = run('promtool', ['check', 'config', mount.source])
    expect(check.stdout + check.stderr).toContain('SUCCESS')
    expect(check.status).toBe(0)
  })

  it("makes a real Prometheus scrape the simulator's and KubeVirt's own metrics targets (mapped to free ports)", async () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { environment?: Record<string, string> }>
    }
    const env = compose.services['cluster-sim']!.environment!
    // The ports the compose file fixes for virt-api and virt-controller, which its Prometheus
    // configuration names; the test maps each to a free port, as it does the simulator's.
    const ports = {
      virtApi: { compose: env.VMDECK_VIRT_API_PORT!, free: String(await freePort()) },
      virtController: { compose: env.VMDECK_VIRT_CONTROLLER_PORT!, free: String(await freePort()) },
    }
    process.env.VMDECK_VIRT_API_PORT = ports.virtApi.free
    process.env.VMDECK_VIRT_CONTROLLER_PORT = ports.virtController.free
    const sim = await startSim({
      stateDir: join(scratch, 'sim'),
      port: 0,
      metricsPort: 0,
      seed: 'demo',
      guests: 'none',
      kubevirt: 'real',
    }).finally(() => {
      delete process.env.VMDECK_VIRT_API_PORT
      delete process.env.VMDECK_VIRT_CONTROLLER_PORT
    })
    const port = await freePort()
    const config = parse(readFileSync(join(root, 'deploy/compose/prometheus.yml'), 'utf8')) as {
      global: Record<string, string>
      scrape_configs: {
        job_name: string
        metrics_path: string
        static_configs: { targets: string[] }[]
      }[]
    }
    config.global.scrape_interval = '1s'
    const job = (name: string) => config.scrape_configs.find((c) => c.job_name === name)!
    const target = new URL(sim.metricsUrl)
    expect(target.pathname).toBe(job('cluster-sim').metrics_path)
    job('cluster-sim').static_configs[0]!.targets = [target.host]
    for (const [name, { compose: fixed, free }] of [
      ['virt-api', ports.virtApi],
      ['virt-controller', ports.virtController],
    ] as const) {
      expect(job(name).static_configs[0]!.targets).toEqual([`127.0.0.1:${fixed}`])
      job(name).static_configs[0]!.targets = [`127.0.0.1:${free}`]
    }
    config.scrape_configs = config.scrape_configs.filter((c) => c.job_name !== 'vmdeck')
    writeFileSync(join(scratch, 'prometheus-test.yml'), stringify(config))
    const prometheus = startProcess(
      'prometheus',
      [
        `--config.file=${join(scratch, 'prometheus-test.yml')}`,
        `--storage.tsdb.path=${join(scratch, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      {},
    )
    const query = (promql: string) =>
      fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`)
        .then((r) => r.json() as Promise<{ data?: { result: { value: [number, string] }[] } }>)
        .catch(() => undefined)
    try {
      const deadline = Date.now() + 30_000
      let last = ''
      for (;;) {
        const body = await query('sum(up{job=~"cluster-sim|virt-api|virt-controller"})')
        last = JSON.stringify(body)
        if (body?.data?.result[0]?.value[1] === '3') break
        if (Date.now() > deadline)
          throw new Error(`not every target was scraped: ${last}\n${prometheus.output()}`)
        await new Promise((r) => setTimeout(r, 250))
      }
      const vmis = await query('count(kubevirt_vmi_info)')
      expect(Number(vmis?.data?.result[0]?.value[1])).toBeGreaterThan(0)
      const leading = await query('kubevirt_virt_controller_leading_status')
      expect(leading?.data?.result[0]?.value[1]).toBe('1')
    } finally {
      await prometheus.kill()
      await sim.close()
    }
  })
})

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
