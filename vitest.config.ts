import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Builds the control plane and the CRDs when missing, and hands them to every test process.
    globalSetup: ['./scripts/vitest-global-setup.mjs'],
    projects: [
      { test: { name: 'shared', include: ['packages/shared/src/**/*.test.ts'] } },
      { test: { name: 'idp', include: ['apps/idp/test/**/*.test.ts'] } },
      {
        test: {
          name: 'cluster-sim',
          include: ['apps/cluster-sim/src/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'bff',
          include: ['apps/bff/src/**/*.test.ts', 'apps/bff/test/**/*.test.ts'],
          testTimeout: 30_000,
          // A simulator starts in ~25 s on a busy machine; KubeVirt's own components (the
          // default; VMDECK_KUBEVIRT=sim is the simulator's) add their install, start-up and the
          // seeded fleet settling.
          hookTimeout: process.env.VMDECK_KUBEVIRT === 'sim' ? 60_000 : 150_000,
        },
      },
      {
        extends: './apps/web/vite.config.ts',
        root: './apps/web',
        test: {
          name: 'web',
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['src/testing/setup.ts'],
          // A form walked through in jsdom takes 2-3 s alone and twice that while the cluster
          // suites load both CPUs; 5 s (the default) fails it for the machine's load, not the code.
          testTimeout: 20_000,
        },
      },
      {
        // docker-compose, kustomize manifests, the images' build steps run without Docker.
        test: {
          name: 'delivery',
          include: ['deploy/test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
