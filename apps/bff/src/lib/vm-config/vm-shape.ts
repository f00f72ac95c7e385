// The parts of a VirtualMachine the Configuration tab reads and rewrites. Everything else of the
// object is carried through untouched: an edit is the stored VM with one section changed.

export interface DiskDevice {
  name: string
  disk?: { bus?: string }
  cdrom?: { bus?: string }
  lun?: { bus?: string }
  bootOrder?: number
  [key: string]: unknown
}

export interface VolumeSource {
  name: string
  containerDisk?: { image?: string }
  dataVolume?: { name: string; hotpluggable?: boolean }
  persistentVolumeClaim?: { claimName: string; hotpluggable?: boolean }
  cloudInitNoCloud?: CloudInitSource
  cloudInitConfigDrive?: CloudInitSource
  [key: string]: unknown
}

export interface CloudInitSource {
  userData?: string
  userDataBase64?: string
  networkData?: string
  networkDataBase64?: string
  secretRef?: { name?: string }
  [key: string]: unknown
}

export interface NetworkInterface {
  name: string
  model?: string
  macAddress?: string
  masquerade?: object
  bridge?: object
  state?: string
  [key: string]: unknown
}

export interface NetworkSource {
  name: string
  pod?: object
  multus?: { networkName: string }
}

export interface DataVolumeTemplate {
  metadata: { name: string }
  spec: {
    source?: unknown
    sourceRef?: unknown
    storage?: { resources?: { requests?: { storage?: string } }; storageClassName?: string }
    [key: string]: unknown
  }
}

export interface TemplateSpec {
  domain: {
    cpu?: { sockets?: number; cores?: number; threads?: number; maxSockets?: number }
    memory?: { guest?: string; maxGuest?: string }
    resources?: { requests?: Record<string, string> }
    devices: { disks?: DiskDevice[]; interfaces?: NetworkInterface[]; [key: string]: unknown }
    [key: string]: unknown
  }
  networks?: NetworkSource[]
  volumes?: VolumeSource[]
  evictionStrategy?: string
  accessCredentials?: unknown[]
  [key: string]: unknown
}

export interface Reference {
  kind?: string
  name: string
}

export interface EditableVm {
  apiVersion?: string
  kind?: string
  metadata: {
    name: string
    namespace: string
    resourceVersion?: string
    generation?: number
    labels?: Record<string, string>
    annotations?: Record<string, string>
    [key: string]: unknown
  }
  spec: {
    runStrategy?: string
    running?: boolean
    instancetype?: Reference
    preference?: Reference
    dataVolumeTemplates?: DataVolumeTemplate[]
    template: { metadata?: Record<string, unknown>; spec: TemplateSpec }
    [key: string]: unknown
  }
  status?: {
    conditions?: { type?: string; status?: string; message?: string }[]
    observedGeneration?: number
    desiredGeneration?: number
    printableStatus?: string
  }
}

export const DESCRIPTION = 'description'
