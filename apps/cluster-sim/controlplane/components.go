package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/pflag"
	"k8s.io/client-go/tools/cache"
	cliflag "k8s.io/component-base/cli/flag"
	apiserverapp "k8s.io/kubernetes/cmd/kube-apiserver/app"
	kcmapp "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	kcmoptions "k8s.io/kubernetes/cmd/kube-controller-manager/app/options"
	schedulerapp "k8s.io/kubernetes/cmd/kube-scheduler/app"
	scheduleroptions "k8s.io/kubernetes/cmd/kube-scheduler/app/options"
)

const (
	serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local"
	serviceCIDR          = "10.96.0.0/16"
	clusterCIDR          = "10.244.0.0/16"
)

// authenticationConfigFile is where whoever starts the control plane may put a structured
// authentication configuration (AuthenticationConfiguration, apiserver.config.k8s.io/v1): the
// OpenID providers whose ID tokens kube-apiserver accepts, besides its tokens and certificates.
const authenticationConfigFile = "authentication-config.yaml"

// apiServerArgs are kube-apiserver's flags as a kubeadm cluster sets them, on loopback.
func apiServerArgs(opts options, port int, etcdURL string, pki *clusterPKI, dir string) []string {
	args := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=" + opts.host,
		"--advertise-address=" + opts.host,
		"--secure-port=" + strconv.Itoa(port),
		"--tls-cert-file=" + pki.apiserver.CertFile,
		"--tls-private-key-file=" + pki.apiserver.KeyFile,
		"--client-ca-file=" + pki.ca.CertFile,
		"--token-auth-file=" + dir + "/tokens.csv",
		"--service-account-issuer=" + serviceAccountIssuer,
		"--service-account-key-file=" + pki.serviceAccountPublic,
		"--service-account-signing-key-file=" + pki.serviceAccountPrivate,
		"--service-cluster-ip-range=" + serviceCIDR,
		"--authorization-mode=Node,RBAC",
		"--allow-privileged=true",
		// The aggregation layer: how kube-apiserver proves itself to KubeVirt's subresource API.
		"--requestheader-client-ca-file=" + pki.frontProxyCA.CertFile,
		"--requestheader-allowed-names=front-proxy-client",
		"--requestheader-username-headers=X-Remote-User",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--proxy-client-cert-file=" + pki.frontProxyClient.CertFile,
		"--proxy-client-key-file=" + pki.frontProxyClient.KeyFile,
		"--kubelet-client-certificate=" + pki.kubeletClient.CertFile,
		"--kubelet-client-key=" + pki.kubeletClient.KeyFile,
		"--kubelet-preferred-address-types=InternalIP,Hostname",
		// The endpoint reconciler would publish the advertise address in the `kubernetes`
		// Endpoints, and Endpoints may not hold loopback addresses.
		"--endpoint-reconciler-type=none",
		"--cert-dir=" + dir + "/pki/generated",
		"--profiling=false",
		"--v=" + strconv.Itoa(opts.verbosity),
	}
	if path := filepath.Join(dir, authenticationConfigFile); fileExists(path) {
		args = append(args, "--authentication-config="+path)
	}
	return args
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func runAPIServer(_ context.Context, args []string) error {
	// NewAPIServerCommand installs the process's SIGTERM/SIGINT handling, so it stops with us.
	cmd := apiserverapp.NewAPIServerCommand()
	cmd.SetArgs(args)
	return cmd.Execute()
}

func controllerManagerArgs(opts options, kubeconfig string, pki *clusterPKI) []string {
	return append(clientFlags(opts, kubeconfig),
		"--use-service-account-credentials=true",
		"--service-account-private-key-file="+pki.serviceAccountPrivate,
		"--root-ca-file="+pki.ca.CertFile,
		"--cluster-signing-cert-file="+pki.ca.CertFile,
		"--cluster-signing-key-file="+pki.ca.KeyFile,
		"--allocate-node-cidrs=true",
		"--cluster-cidr="+clusterCIDR,
		"--service-cluster-ip-range="+serviceCIDR,
		"--node-monitor-grace-period="+opts.nodeMonitorGracePeriod.String(),
	)
}

// runControllerManager is kube-controller-manager's command without its signal handling (the
// API server's owns the process's signals; a second handler would panic).
func runControllerManager(ctx context.Context, args []string) error {
	s, err := kcmoptions.NewKubeControllerManagerOptions()
	if err != nil {
		return err
	}
	all, disabled, aliases := kcmapp.KnownControllers(), kcmapp.ControllersDisabledByDefault(), kcmapp.ControllerAliases()
	if err := parse("kube-controller-manager", s.Flags(all, disabled, aliases), args); err != nil {
		return err
	}
	if err := s.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	config, err := s.Config(ctx, all, disabled, aliases)
	if err != nil {
		return err
	}
	return kcmapp.Run(ctx, config.Complete())
}

func schedulerArgs(opts options, kubeconfig string) []string {
	return clientFlags(opts, kubeconfig)
}

// clientFlags are what the controller manager and the scheduler share: the API server as their
// kubeconfig's user, no serving port of their own, one instance (no leader election), and room
// for the request rate of a 100,000-VM fleet.
func clientFlags(opts options, kubeconfig string) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--bind-address=" + opts.host,
		"--secure-port=0",
		"--leader-elect=false",
		"--kube-api-qps=200",
		"--kube-api-burst=400",
		"--v=" + strconv.Itoa(opts.verbosity),
	}
}

// runScheduler is kube-scheduler's command without its signal handling, as above.
func runScheduler(ctx context.Context, args []string) error {
	opts := scheduleroptions.NewOptions()
	if err := parse("kube-scheduler", *opts.Flags, args); err != nil {
		return err
	}
	if err := opts.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	informerName, err := cache.NewInformerName("kube-scheduler")
	if err != nil {
		return err
	}
	opts.InformerName = informerName
	cc, sched, err := schedulerapp.Setup(ctx, opts)
	if err != nil {
		return err
	}
	return schedulerapp.Run(ctx, cc, sched)
}

func parse(name string, sets cliflag.NamedFlagSets, args []string) error {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	for _, set := range sets.FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
