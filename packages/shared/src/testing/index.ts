export * from './make-vm-summary.ts'
