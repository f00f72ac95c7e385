import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrationAdvisorQueries } from '../src/lib/promql.ts'

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
    const dir = mkdtempSync(join(tmpdir(), 'vmdeck-promql-'))
    try {
      const file = join(dir, 'advisor.test.yml')
      // JSON is YAML: promtool reads it as it is.
      writeFileSync(file, JSON.stringify(tests))
      const run = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' })
      expect(run.stdout + run.stderr).toContain('SUCCESS')
      expect(run.status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
