// The simulated cluster, as every consumer (BFF tests, benches, `npm run sim`, the demo) starts it:
// the real Kubernetes control plane with the simulator's KubeVirt and nodes as its clients.
export {
  startClusterSim as startSim,
  demoUsers,
  type ClusterSim as Sim,
  type ClusterSimOptions as SimOptions,
  type DemoUser,
} from './cluster/start-cluster.ts'
