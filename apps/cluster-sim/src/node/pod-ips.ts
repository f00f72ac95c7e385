/**
 * What the CNI plugin's host-local IPAM does on a node: hands out addresses from the node's
 * podCIDR (assigned by the controller manager's node IPAM controller), skipping the network
 * address and the gateway (.1), and takes them back when a pod goes away. IPv4 only, as the
 * control plane's --cluster-cidr.
 */
export class PodIps {
  readonly cidr: string
  readonly #base: number
  readonly #size: number
  readonly #byPod = new Map<string, number>()
  readonly #used = new Set<number>()
  #next = 2

  constructor(cidr: string) {
    this.cidr = cidr
    const [address = '', bits = '32'] = cidr.split('/')
    const octets = address.split('.').map(Number)
    if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255)))
      throw new Error(`not an IPv4 podCIDR: ${cidr}`)
    this.#base = octets.reduce((n, o) => n * 256 + o, 0)
    this.#size = 2 ** (32 - Number(bits))
  }

  /** Whether `ip` lies in this range (a pod's IP from an earlier run of the agent). */
  contains(ip: string): boolean {
    const n = toNumber(ip)
    return n !== undefined && n >= this.#base && n < this.#base + this.#size
  }

  /** Records an address a pod already has, so it is not handed out twice. */
  claim(podUid: string, ip: string): void {
    const n = toNumber(ip)
    if (n === undefined) return
    this.#byPod.set(podUid, n)
    this.#used.add(n)
  }

  /** The pod's address: the one it has, else the next free one. */
  allocate(podUid: string): string {
    const held = this.#byPod.get(podUid)
    if (held !== undefined) return toIp(held)
    // The last address is the broadcast address; .0 and .1 are the network and the gateway.
    const usable = this.#size - 3
    for (let tries = 0; tries < usable; tries++) {
      const offset = this.#next
      this.#next = this.#next + 1 >= this.#size - 1 ? 2 : this.#next + 1
      const n = this.#base + offset
      if (this.#used.has(n)) continue
      this.#used.add(n)
      this.#byPod.set(podUid, n)
      return toIp(n)
    }
    throw new Error(`no free address left in ${this.cidr}`)
  }

  release(podUid: string): void {
    const n = this.#byPod.get(podUid)
    if (n === undefined) return
    this.#byPod.delete(podUid)
    this.#used.delete(n)
  }
}

function toNumber(ip: string): number | undefined {
  const octets = ip.split('.').map(Number)
  if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255))) return undefined
  return octets.reduce((n, o) => n * 256 + o, 0)
}

const toIp = (n: number) =>
  [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.')
