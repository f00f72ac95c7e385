// The shapes of the KubeVirt and Kubernetes objects the BFF reads (kubevirt.io/v1,
// snapshot.kubevirt.io/v1beta1, core/v1), as far as it reads them: every field optional, since
// a cluster may omit any. kube/view-models maps them to the view models of packages/shared,
// which is all that routes and the browser see.

export interface Condition {
  type?: string
  status?: string
  reason?: string
  message?: string
  lastTransitionTime?: string | Date
}

export interface Metadata {
  name?: string
  namespace?: string
  uid?: string
  creationTimestamp?: string | Date
  deletionTimestamp?: string | Date
  labels?: Record<string, string>
  annotations?: Record<string, string>
  resourceVersion?: string
  ownerReferences?: { kind?: string; name?: string; uid?: string; controller?: boolean }[]
}

export interface Disk {
  name?: string
  disk?: { bus?: string }
  cdrom?: { bus?: string }
  lun?: { bus?: string }
  bootOrder?: number
}

export interface Volume {
  name?: string
  containerDisk?: { image?: string }
  dataVolume?: { name?: string }
  persistentVolumeClaim?: { claimName?: string }
  cloudInitNoCloud?: unknown
  cloudInitConfigDrive?: unknown
  emptyDisk?: unknown
  ephemeral?: { persistentVolumeClaim?: { claimName?: string } }
}

export interface Interface {
  name?: string
  model?: string
  macAddress?: string
  masquerade?: unknown
  bridge?: unknown
  sriov?: unknown
  passtBinding?: unknown
  binding?: { name?: string }
}

export interface VirtualMachine {
  apiVersion?: string
  kind?: string
  metadata?: Metadata
  spec?: {
    runStrategy?: string
    running?: boolean
    instancetype?: { name?: string; kind?: string }
    preference?: { name?: string; kind?: string }
    dataVolumeTemplates?: {
      metadata?: { name?: string }
      spec?: {
        storage?: { resources?: { requests?: { storage?: string } } }
        pvc?: { resources?: { requests?: { storage?: string } } }
      }
    }[]
    template?: {
      spec?: {
        evictionStrategy?: string
        terminationGracePeriodSeconds?: number
        domain?: {
          cpu?: { cores?: number; sockets?: number; threads?: number }
          memory?: { guest?: string }
          resources?: { requests?: { memory?: string } }
          devices?: { disks?: Disk[]; interfaces?: Interface[] }
        }
        networks?: { name?: string; pod?: unknown; multus?: { networkName?: string } }[]
        volumes?: Volume[]
      }
    }
  }
  status?: {
    printableStatus?: string
    ready?: boolean
    conditions?: Condition[]
    snapshotInProgress?: string
    restoreInProgress?: string
  }
}

export interface MigrationState {
  migrationUid?: string
  sourceNode?: string
  sourcePod?: string
  targetNode?: string
  startTimestamp?: string | Date
  endTimestamp?: string | Date
  completed?: boolean
  failed?: boolean
  failureReason?: string
  abortRequested?: boolean
  abortStatus?: string
  mode?: string
}

export interface VirtualMachineInstance {
  metadata?: Metadata
  spec?: { evictionStrategy?: string }
  status?: {
    phase?: string
    nodeName?: string
    interfaces?: {
      name?: string
      ipAddress?: string
      ipAddresses?: string[]
      mac?: string
      interfaceName?: string
      linkState?: string
    }[]
    guestOSInfo?: {
      prettyName?: string
      name?: string
      version?: string
      versionId?: string
      kernelRelease?: string
    }
    conditions?: Condition[]
    migrationState?: MigrationState
  }
}

export interface VirtualMachineInstanceMigration {
  metadata?: Metadata
  spec?: { vmiName?: string; addedNodeSelector?: Record<string, string> }
  status?: {
    phase?: string
    migrationState?: MigrationState
    phaseTransitionTimestamps?: { phase?: string; phaseTransitionTimestamp?: string | Date }[]
  }
}

export interface VirtualMachineSnapshot {
  metadata?: Metadata
  spec?: { source?: { kind?: string; name?: string } }
  status?: {
    phase?: string
    readyToUse?: boolean
    creationTime?: string | Date
    error?: { message?: string }
    indications?: string[]
    sourceIndications?: { indication?: string }[]
  }
}

export interface VirtualMachineRestore {
  metadata?: Metadata
  spec?: { target?: { name?: string }; virtualMachineSnapshotName?: string }
  status?: {
    complete?: boolean
    restoreTime?: string | Date
    conditions?: Condition[]
  }
}

export interface Node {
  metadata?: Metadata
  spec?: {
    unschedulable?: boolean
    taints?: { key?: string; value?: string; effect?: string }[]
  }
  status?: {
    capacity?: Record<string, string>
    allocatable?: Record<string, string>
    conditions?: Condition[]
    nodeInfo?: { kubeletVersion?: string }
    addresses?: { type?: string; address?: string }[]
  }
}

export interface Pod {
  metadata?: Metadata
  spec?: {
    nodeName?: string
    containers?: { resources?: { requests?: Record<string, string> } }[]
  }
  status?: { phase?: string }
}

export interface KubeEvent {
  metadata?: Metadata
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string }
  regarding?: { kind?: string; name?: string }
  type?: string
  reason?: string
  message?: string
  note?: string
  count?: number
  firstTimestamp?: string | Date
  lastTimestamp?: string | Date
  eventTime?: string | Date
  source?: { component?: string; host?: string }
  reportingController?: string
}
