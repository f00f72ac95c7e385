import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { TaskList, TaskListQuery, VmParams } from '@vmdeck/shared'
import { httpError } from '../kube/http-error.ts'
import { filterTasks, InvalidTaskCursorError, pageTasks } from '../lib/query-tasks.ts'

/** `GET …/namespaces/{ns}/vms/{name}/tasks`: the VM's tasks (the VM scope checked the access). */
const vmTasks: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: "The VM's tasks, newest first",
        params: VmParams,
        querystring: TaskListQuery,
        response: { 200: TaskList },
      },
    },
    async (request) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const { limit = 100, continue: cursor, ...filters } = request.query
      // Resolving the VM proved this user may see its namespace.
      const visibility = {
        namespaces: { all: false, namespaces: new Set([namespace]) },
        nodes: false,
      } as const
      const matching = filterTasks(
        cluster.tasks.newestFirst(),
        { ...filters, vm: { namespace, name } },
        visibility,
      )
      try {
        return pageTasks(matching, limit, cursor)
      } catch (err) {
        if (err instanceof InvalidTaskCursorError)
          throw httpError(400, err.message, 'INVALID_CURSOR')
        throw err
      }
    },
  )
}

export default vmTasks
