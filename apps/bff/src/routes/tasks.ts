import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ClusterParams,
  Task,
  TaskExportQuery,
  TaskList,
  TaskListQuery,
  TaskParams,
} from '@vmdeck/shared'
import { httpError } from '../kube/http-error.ts'
import { filterTasks, InvalidTaskCursorError, pageTasks, taskVisible } from '../lib/query-tasks.ts'
import { tasksToCsv, tasksToJsonLines } from '../lib/task-export.ts'
import { taskVisibility } from '../plugins/app/task-access.ts'
import { identityOf } from '../plugins/app/user-access.ts'

const DEFAULT_LIMIT = 100

/** The task history of a cluster: `GET …/tasks` (filters, pages), one task, and exports. */
const tasks: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary:
          'Tasks vmdeck carried out, newest first: filters by user, action, outcome, namespace, time',
        params: ClusterParams,
        querystring: TaskListQuery,
        response: { 200: TaskList },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const visibility = await taskVisibility(cluster, identityOf(request))
      const { limit = DEFAULT_LIMIT, continue: cursor, ...filters } = request.query
      const matching = filterTasks(cluster.tasks.newestFirst(), filters, visibility)
      try {
        return pageTasks(matching, limit, cursor)
      } catch (err) {
        if (err instanceof InvalidTaskCursorError)
          throw httpError(400, err.message, 'INVALID_CURSOR')
        throw err
      }
    },
  )

  fastify.get(
    '/tasks/export',
    {
      schema: {
        tags: ['tasks'],
        summary: 'The filtered task history as CSV or JSON lines (a download)',
        params: ClusterParams,
        querystring: TaskExportQuery,
      },
    },
    async (request, reply) => {
      const cluster = request.cluster
      const visibility = await taskVisibility(cluster, identityOf(request))
      const { format, ...filters } = request.query
      const matching = filterTasks(cluster.tasks.newestFirst(), filters, visibility)
      const csv = format === 'csv'
      return reply
        .header(
          'content-type',
          csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        )
        .header(
          'content-disposition',
          `attachment; filename="vmdeck-tasks-${cluster.id}.${csv ? 'csv' : 'jsonl'}"`,
        )
        .send(csv ? tasksToCsv(matching) : tasksToJsonLines(matching))
    },
  )

  fastify.get(
    '/tasks/:id',
    {
      schema: {
        tags: ['tasks'],
        summary: 'One task',
        params: TaskParams,
        response: { 200: Task },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const task = cluster.tasks.get(request.params.id)
      // The same 404 for a task that does not exist and one the user may not see.
      if (!task || !taskVisible(task, await taskVisibility(cluster, identityOf(request))))
        throw httpError(404, `There is no task "${request.params.id}".`, 'NOT_FOUND')
      return task
    },
  )
}

export default tasks
