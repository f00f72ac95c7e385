// The console subresources through KubeVirt's own virt-api, relayed to the simulator's virt-handler.
import { consoleSubresourceSuite } from './console-subresources.suite.ts'

consoleSubresourceSuite('real')
