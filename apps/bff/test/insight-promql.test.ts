import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrationAdvisorQueries, nodeMemoryQuery } from '../src/lib/promql.ts'

const MiB = 2 ** 20

/**
 * The advisor's PromQL run by Prometheus's own engine (`promtool test rules`) on recorded samples:
 * the source's and the target's virt-handler both report a migrating VMI, another VM migrates
 * too, and only the named VM's numbers may come back.
 */
describe('the migration advisor PromQL on recorded samples', () => {
  it('reads one VM, whichever handler reports it', () => {
    const series = (metric: string, values: Record<string, number>) =>
      Object.entries(values).map(([labels, value]) => ({
        series: `${metric}{${labels}}`,
        values: `${value}x5`,
      }))
    const web = 'namespace="prod",name="web-01"'
    const other = 'namespace="prod",name="web-02",node="node-3"'
    const input = [
      ...series('kubevirt_vmi_migration_data_processed_bytes', {
        [`${web},node="node-1"`]: 300 * MiB,
        [`${web},node="node-2"`]: 0,
        [other]: 1,
      }),
      ...series('kubevirt_vmi_migration_data_remaining_bytes', {
        [`${web},node="node-1"`]: 200 * MiB,
        [other]: 1,
      }),
      ...series('kubevirt_vmi_migration_data_bytes_total', {
        [`${web},node="node-1"`]: 500 * MiB,
        [other]: 1,
      }),
      ...series('kubevirt_vmi_migration_dirty_memory_rate_bytes', {
        [`${web},node="node-1"`]: 40 * MiB,
        [other]: 1,
      }),
      ...series('kubevirt_vmi_migration_memory_transfer_rate_bytes', {
        [`${web},node="node-1"`]: 25 * MiB,
        [other]: 1,
      }),
    ]
    const queries = migrationAdvisorQueries({ namespace: 'prod', name: 'web-01' })
    const expected = {
      processed: 300 * MiB,
      remaining: 200 * MiB,
      total: 500 * MiB,
      dirtyRate: 40 * MiB,
      transferRate: 25 * MiB,
    }
    const tests = {
      rule_files: [],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: input,
          promql_expr_test: Object.entries(queries).map(([key, expr]) => ({
            expr,
            eval_time: '2m',
            exp_samples: [{ labels: '{}', value: expected[key as keyof typeof expected] }],
          })),
        },
      ],
    }
    promtool(tests)
  })
})

/** Runs a `promtool test rules` file (JSON is YAML: promtool reads it as it is); fails unless all pass. */
function promtool(tests: object): void {
  const dir = mkdtempSync(join(tmpdir(), 'vmdeck-promql-'))
  try {
    const file = join(dir, 'insight.test.yml')
    writeFileSync(file, JSON.stringify(tests))
    const run = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' })
    expect(run.stdout + run.stderr).toContain('SUCCESS')
    expect(run.status).toBe(0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The rebalancing plan's "memory in use" per node, on node-exporter samples as kube-prometheus
 * labels them (`instance` is the node name): one series per node, in percent.
 */
describe('the rebalancing PromQL on recorded samples', () => {
  it('gives each node its memory in use, in percent', () => {
    const GiB = 2 ** 30
    const nodes = { 'node-1': [16, 4], 'node-2': [32, 24], 'node-3': [8, 8] } // total, available
    const input = Object.entries(nodes).flatMap(([node, [total, available]]) => [
      {
        series: `node_memory_MemTotal_bytes{instance="${node}",job="node-exporter"}`,
        values: `${total! * GiB}x5`,
      },
      {
        series: `node_memory_MemAvailable_bytes{instance="${node}",job="node-exporter"}`,
        values: `${available! * GiB}x5`,
      },
    ])
    promtool({
      rule_files: [],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: input,
          promql_expr_test: [
            {
              expr: nodeMemoryQuery().expr,
              eval_time: '2m',
              exp_samples: [
                { labels: '{instance="node-1",job="node-exporter"}', value: 75 },
                { labels: '{instance="node-2",job="node-exporter"}', value: 25 },
                { labels: '{instance="node-3",job="node-exporter"}', value: 0 },
              ],
            },
          ],
        },
      ],
    })
  })
})
