// Command controlplane runs the real Kubernetes control plane of vmdeck's demo and test cluster
// in one process: embedded etcd, kube-apiserver, kube-controller-manager and kube-scheduler,
// built from Kubernetes' own Go modules. It only wires them together; the node side (kubelet,
// KubeVirt's components, QEMU guests) is apps/cluster-sim, a client of this API server.
//
//	controlplane run --state-dir DIR [--port 6443] [--crd-dir DIR]   the control plane
//	controlplane kubectl ...                          kubectl, from the same release
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // the JSON log format, as the real binaries
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics, as the real binaries
	_ "k8s.io/component-base/metrics/prometheus/version"  // the version metric, as the real binaries
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "kubectl" {
		os.Args = append([]string{"kubectl"}, os.Args[2:]...)
		if err := cli.RunNoErrOutput(kubectlcmd.NewDefaultKubectlCommand()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if len(os.Args) < 2 || os.Args[1] != "run" {
		fmt.Fprintln(os.Stderr, "usage: controlplane run --state-dir DIR [--host 127.0.0.1] [--port 6443] | controlplane kubectl ...")
		os.Exit(2)
	}
	flags := flag.NewFlagSet("run", flag.ExitOnError)
	var opts options
	flags.StringVar(&opts.stateDir, "state-dir", ".vmdeck/controlplane", "certificates, tokens and etcd data")
	flags.StringVar(&opts.host, "host", "127.0.0.1", "address the API server listens on")
	flags.IntVar(&opts.port, "port", 6443, "HTTPS port of the API server (0: a free one)")
	flags.DurationVar(&opts.nodeMonitorGracePeriod, "node-monitor-grace-period", 40*time.Second,
		"how long a node may miss its heartbeats before the node lifecycle controller marks it NotReady")
	flags.IntVar(&opts.verbosity, "v", 0, "log verbosity of the components (klog -v)")
	flags.StringVar(&opts.crdDir, "crd-dir", "", "CustomResourceDefinitions (*.yaml) to install before the controllers start")
	_ = flags.Parse(os.Args[2:])

	armParentDeathSignal()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts); err != nil {
		fmt.Fprintf(os.Stderr, "controlplane: %v\n", err)
		os.Exit(1)
	}
}

// armParentDeathSignal asks the kernel for SIGTERM when the process that started us dies, so a
// killed test run leaves no control plane behind (the scripts do the same for every child).
func armParentDeathSignal() {
	const prSetPdeathsig = 1
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetPdeathsig, uintptr(syscall.SIGTERM), 0)
}
