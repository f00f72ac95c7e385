// Progress of the demo's guests: reads the VMIs from the simulator with the kubeconfig's admin
// context and reports each one that becomes Ready, until all are (or `ms` pass).
import { readFileSync } from 'node:fs'
import { request } from 'node:https'

function getJson(url, { ca, token }) {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(JSON.parse(body))
          : reject(new Error(`${url}: ${res.statusCode}`)),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

const condition = (vmi, type, status) =>
  vmi.status?.conditions?.some((c) => c.type === type && c.status === status) ?? false
const ready = (vmi) => condition(vmi, 'Ready', 'True')
// The demo fleet has a VM too big for any node, on purpose: it never boots.
const unschedulable = (vmi) => condition(vmi, 'PodScheduled', 'False')

/** Resolves when every VMI is Ready, or after `ms`; logs each guest that comes up. */
export async function reportGuests(kubeconfigPath, log, ms = 90_000) {
  const config = JSON.parse(readFileSync(kubeconfigPath, 'utf8'))
  const context = config.contexts.find((c) => c.name === 'admin') ?? config.contexts[0]
  const cluster = config.clusters.find((c) => c.name === context.context.cluster).cluster
  const token = config.users.find((u) => u.name === context.context.user).user.token
  const ca = Buffer.from(cluster['certificate-authority-data'], 'base64')
  const url = `${cluster.server}/apis/kubevirt.io/v1/virtualmachineinstances`
  const seen = new Set()
  const deadline = Date.now() + ms
  let announced = false
  for (;;) {
    const all = (await getJson(url, { ca, token })).items
    const items = all.filter((vmi) => !unschedulable(vmi))
    if (!announced && items.length) {
      log(`booting ${items.length} guests (QEMU, software emulation)`)
      for (const vmi of all.filter(unschedulable))
        log(`  ${vmi.metadata.namespace}/${vmi.metadata.name} fits on no node (on purpose)`)
      announced = true
    }
    for (const vmi of items.filter(ready)) {
      const id = `${vmi.metadata.namespace}/${vmi.metadata.name}`
      if (seen.has(id)) continue
      seen.add(id)
      log(`  ${id} is up (${seen.size} of ${items.length})`)
    }
    if (items.every(ready)) return { ready: seen.size, total: items.length }
    if (Date.now() > deadline) {
      log(`  ${items.length - items.filter(ready).length} guests still booting; carrying on`)
      return { ready: items.filter(ready).length, total: items.length }
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
