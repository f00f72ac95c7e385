import { Type, type Static } from 'typebox'

/**
 * `GET /api/v1/clusters/{c}/vms/folders`: the folders of the VMs the user may see, each with its
 * own VMs counted per status (not its subfolders'; `path` '' counts a namespace's VMs in no
 * folder). A folder exists while a VM is in it.
 */
export const VmFolderList = Type.Object({
  items: Type.Array(
    Type.Object({
      namespace: Type.String(),
      path: Type.String(),
      counts: Type.Record(Type.String(), Type.Integer()),
    }),
  ),
})
export type VmFolderList = Static<typeof VmFolderList>

/** `PUT …/vms/{name}/folder`: the folder path to move the VM to, or null for none. */
export const MoveToFolderRequest = Type.Object({
  folder: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
})
export type MoveToFolderRequest = Static<typeof MoveToFolderRequest>
