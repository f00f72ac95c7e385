import { Title, TreeView, type TreeViewDataItem } from '@patternfly/react-core'
import type { VmFolderList } from '@vmdeck/shared'
import { breakdown, folderTree, type FolderNode } from '../model/folder-tree.ts'

/** A VM dropped on a tree node (the rows carry their namespace and name while dragged). */
export const DRAG_TYPE = 'application/x-vmdeck-vms'
const SMALL_TREE = 30

/**
 * The side panel's tree: all VMs, namespaces, their folders; each with its count and, on
 * hover and for screen readers, the status breakdown. Choosing one filters the list; dropping
 * rows on a folder moves them there.
 */
export function VmFolderTree({
  folders,
  namespace,
  folder,
  onChoose,
  onDrop,
}: {
  folders: VmFolderList | undefined
  namespace: string
  folder: string
  onChoose: (namespace: string, folder: string) => void
  onDrop: (namespace: string, folder: string, vms: { namespace: string; name: string }[]) => void
}) {
  const roots = folderTree(folders ?? { items: [] })
  const small = (folders?.items.length ?? 0) <= SMALL_TREE
  const label = (node: FolderNode) => (
    <span
      title={breakdown(node)}
      aria-label={`${node.name}: ${node.total} (${breakdown(node)})`}
      data-folder={`${node.namespace}/${node.path}`}
      onDragOver={(event) => {
        if (node.path && event.dataTransfer.types.includes(DRAG_TYPE)) event.preventDefault()
      }}
      onDrop={(event) => {
        const data = event.dataTransfer.getData(DRAG_TYPE)
        if (!node.path || !data) return
        event.preventDefault()
        onDrop(node.namespace, node.path, JSON.parse(data) as { namespace: string; name: string }[])
      }}
    >
      {node.name}
    </span>
  )
  const item = (node: FolderNode): TreeViewDataItem => ({
    id: node.id,
    name: label(node),
    hasBadge: true,
    badgeProps: { isRead: true },
    customBadgeContent: node.total,
    // A small tree opens whole; a large one along the chosen folder's path.
    defaultExpanded:
      small ||
      (namespace === node.namespace && (!node.path || `${folder}/`.startsWith(`${node.path}/`))),
    ...(node.children.length ? { children: node.children.map(item) } : {}),
  })
  const total = roots.reduce((sum, root) => sum + root.total, 0)
  const data: TreeViewDataItem[] = [
    { id: 'all', name: 'All namespaces', hasBadge: true, customBadgeContent: total },
    ...roots.map(item),
  ]
  const active = data.flatMap(function find(node): TreeViewDataItem[] {
    const match = node.id === (namespace ? `${namespace}/${folder}` : 'all')
    return [...(match ? [node] : []), ...(node.children ?? []).flatMap(find)]
  })
  return (
    <nav aria-label="Folders">
      <Title headingLevel="h2" size="md" style={{ marginBottom: 8 }}>
        Folders
      </Title>
      <TreeView
        aria-label="Namespaces and folders"
        data={data}
        activeItems={active}
        hasBadges
        onSelect={(_event, node) => {
          const id = node.id ?? 'all'
          if (id === 'all') return onChoose('', '')
          const slash = id.indexOf('/')
          onChoose(id.slice(0, slash), id.slice(slash + 1))
        }}
      />
    </nav>
  )
}
