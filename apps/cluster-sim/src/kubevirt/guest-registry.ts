import type { QemuGuest } from '../guest/qemu-guest.ts'

/**
 * Where the running guests of VMIs are found: the VMI controller registers a guest when its VMI
 * runs (and after a migration, the target's), the console subresources look them up.
 */
export class GuestRegistry {
  readonly #guests = new Map<string, QemuGuest>()

  set(namespace: string, name: string, guest: QemuGuest | undefined): void {
    const key = `${namespace}/${name}`
    if (guest) this.#guests.set(key, guest)
    else this.#guests.delete(key)
  }

  get(namespace: string, name: string): QemuGuest | undefined {
    return this.#guests.get(`${namespace}/${name}`)
  }
}
