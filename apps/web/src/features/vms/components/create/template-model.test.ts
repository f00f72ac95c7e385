import { describe, expect, it } from 'vitest'
import { templatePrefill, toInstantiateRequest } from './template-model.ts'
import { initialWizardState, templateProblems } from './wizard-model.ts'

const base = { namespace: 'dev', category: 'Web', description: '', createdAt: '' }

describe('template source model', () => {
  it("fills the template's instancetype, or its vCPUs and memory, and its namespace", () => {
    expect(
      templatePrefill({ ...base, name: 'a', instancetype: 'u1.large', cpus: 2 }),
    ).toMatchObject({
      namespace: 'dev',
      template: 'dev/a',
      size: 'instancetype',
      instancetype: 'u1.large',
    })
    expect(templatePrefill({ ...base, name: 'b', cpus: 3, memory: '3Gi' })).toMatchObject({
      size: 'custom',
      cpus: 3,
      memory: '3Gi',
      templateSshKeys: false,
    })
  })

  it('asks for a template and refuses a key the template cannot carry', () => {
    const state = initialWizardState('dev')
    expect(templateProblems({ ...state, source: 'template' })).toEqual({
      template: 'Choose a template.',
    })
    const chosen = { ...state, source: 'template' as const, template: 'dev/a' }
    expect(templateProblems({ ...chosen, sshKeySecret: 'keys' }).sshKeySecret).toMatch(
      /no cloud-init disk/,
    )
    expect(
      templateProblems({ ...chosen, templateSshKeys: true, sshKeySecret: 'Bad_Name' }),
    ).toHaveProperty('sshKeySecret')
    expect(templateProblems({ ...chosen, templateSshKeys: true, sshKeySecret: 'keys' })).toEqual({})
  })

  it('asks for one VM named as in the wizard, with its size', () => {
    const state = { ...initialWizardState('dev'), name: 'web-1', startNow: false }
    expect(toInstantiateRequest({ ...state, size: 'custom', cpus: 2, memory: '1Gi' })).toEqual({
      pattern: 'web-1',
      count: 1,
      start: false,
      size: { kind: 'custom', cpus: 2, memory: '1Gi' },
    })
  })
})
