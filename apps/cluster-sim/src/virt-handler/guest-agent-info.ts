// What the guest agent answers through virt-handler's guestosinfo, userlist and filesystemlist
// (kubevirt.io/api core/v1 VirtualMachineInstanceGuestAgentInfo, ...GuestOSUserList,
// ...FileSystemList). The simulated agent reports a root login and the initramfs root.
import type { KObject } from '../kube/types.ts'

export type GuestAgentQuery = 'guestosinfo' | 'userlist' | 'filesystemlist'

const rootFs = {
  diskName: 'ram0',
  mountPoint: '/',
  fileSystemType: 'rootfs',
  usedBytes: 1_048_576,
  totalBytes: 50_331_648,
}

export function guestAgentInfo(which: string, vmi: KObject): Record<string, unknown> {
  const name = vmi.metadata.name ?? ''
  const user = { userName: 'root', loginTime: Date.now() / 1000 }
  if (which === 'userlist') return { metadata: {}, items: [user] }
  if (which === 'filesystemlist') return { metadata: {}, items: [rootFs] }
  const os = (vmi.status as { guestOSInfo?: Record<string, unknown> }).guestOSInfo ?? {}
  return {
    guestAgentVersion: '7.2.0',
    hostname: name,
    os,
    timezone: 'UTC, 0',
    userList: [user],
    fsInfo: { disks: [rootFs] },
    supportedCommands: [
      { name: 'guest-info', enabled: true },
      { name: 'guest-ping', enabled: true },
    ],
  }
}
