// Command kubevirt-install does, once, what virt-operator does for a KubeVirt CR, so that
// KubeVirt's own virt-api and virt-controller can run as plain processes beside a simulated node:
// it generates the install strategy with virt-operator's own generator
// (pkg/virt-operator/resource/generate/install), applies its service accounts, RBAC, CA and
// certificate secrets, services, APIServices, webhook configurations, admission policies and
// common instancetypes, creates the KubeVirt CR and records its status as virt-operator does once
// every component is ready, and writes the certificates the processes read from files.
//
// Two things differ from a cluster, because the processes listen on 127.0.0.1 rather than in pods:
// each Service is of type ExternalName 127.0.0.1 (kube-apiserver then dials 127.0.0.1 at the port
// the APIService or webhook names, see k8s.io/apiserver pkg/util/proxy ResolveCluster), and the
// ports are the processes' own. Deployments and DaemonSets are not applied: nothing runs pods
// of KubeVirt's images here.
//
// It runs twice, as virt-operator's reconciler finishes in two rounds: before the components
// start (everything they need) and, with -components-ready, once virt-api serves (the common
// instancetypes, which virt-api's webhooks validate, and the Deployed status).
//
//	kubevirt-install -kubeconfig FILE -certs DIR -virt-api-port N [-components-ready]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	virtv1 "kubevirt.io/api/core/v1"
	"kubevirt.io/client-go/kubecli"
	kvlog "kubevirt.io/client-go/log"
	"kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/install"
	operatorutil "kubevirt.io/kubevirt/pkg/virt-operator/util"
)

const namespace = "kubevirt"

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of a cluster-admin")
	certs := flag.String("certs", "", "directory to write the components' certificates into")
	apiPort := flag.Int("virt-api-port", 0, "port virt-api listens on at 127.0.0.1")
	ready := flag.Bool("components-ready", false, "virt-api and virt-controller run: finish the install")
	flag.Parse()
	if *kubeconfig == "" || *certs == "" || *apiPort == 0 {
		flag.Usage()
		os.Exit(2)
	}
	kvlog.Log.SetVerbosityLevel(0)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, *kubeconfig, *certs, int32(*apiPort), *ready); err != nil {
		fmt.Fprintln(os.Stderr, "kubevirt-install:", err)
		os.Exit(1)
	}
}

// kubevirtVersion is the version of kubevirt.io/kubevirt this program was built with: the
// release whose virt-api and virt-controller run beside it.
func kubevirtVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "kubevirt.io/kubevirt" {
				return dep.Version
			}
		}
	}
	return "devel"
}

func run(ctx context.Context, kubeconfig, certsDir string, apiPort int32, ready bool) error {
	version := kubevirtVersion()
	// virt-operator learns its version and images from its own Deployment's environment.
	os.Setenv(operatorutil.KubeVirtVersionEnvName, version)
	os.Setenv(operatorutil.VirtOperatorImageEnvName, "quay.io/kubevirt/virt-operator:"+version)

	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	// client-go's default limiter (5 requests/s, bursts of 10) would spread the ~150 objects of an
	// install over half a minute (virt-operator takes its own from --client-qps and --client-burst).
	config.QPS, config.Burst = 200, 400
	client, err := kubecli.GetKubevirtClientFromRESTConfig(config)
	if err != nil {
		return err
	}
	a, err := newApplier(config)
	if err != nil {
		return err
	}
	if err := a.namespace(ctx, namespace); err != nil {
		return err
	}

	kv := desiredKubeVirt()
	target := operatorutil.GetTargetConfigFromKV(kv)
	strategy, err := install.GenerateCurrentInstallStrategy(target, "", namespace)
	if err != nil {
		return fmt.Errorf("install strategy: %w", err)
	}
	if ready {
		if err := applyAll(ctx, a, instancetypesOf(strategy)); err != nil {
			return err
		}
		return recordDeployed(ctx, client, kv, target)
	}
	pki, err := ensureCertificates(ctx, client, strategy)
	if err != nil {
		return err
	}
	if err := applyAll(ctx, a, componentObjects(strategy, pki.caBundle, apiPort)); err != nil {
		return err
	}
	if err := pki.writeFiles(certsDir); err != nil {
		return err
	}
	if err := createKubeVirt(ctx, client, kv); err != nil {
		return err
	}
	fmt.Println("kubevirt", version)
	return nil
}

// desiredKubeVirt is the KubeVirt CR of this cluster: software emulation, as on a cluster without
// /dev/kvm (KubeVirt's docs/software-emulation.md), and the feature gates vmdeck's demo uses.
func desiredKubeVirt() *virtv1.KubeVirt {
	return &virtv1.KubeVirt{
		TypeMeta:   metav1.TypeMeta{APIVersion: virtv1.GroupVersion.String(), Kind: "KubeVirt"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "kubevirt"},
		Spec: virtv1.KubeVirtSpec{
			Configuration: virtv1.KubeVirtConfiguration{
				DeveloperConfiguration: &virtv1.DeveloperConfiguration{
					UseEmulation: true,
					FeatureGates: []string{"Snapshot", "HotplugVolumes", "ExpandDisks"},
				},
			},
		},
	}
}

// createKubeVirt creates the KubeVirt CR, kept as it is if it exists (a restart against kept
// etcd data): virt-api and virt-controller read their configuration from it.
func createKubeVirt(ctx context.Context, client kubecli.KubevirtClient, desired *virtv1.KubeVirt) error {
	_, err := client.KubeVirt(namespace).Create(ctx, desired, metav1.CreateOptions{})
	if err != nil && !errors.IsAlreadyExists(err) {
		return fmt.Errorf("KubeVirt CR: %w", err)
	}
	return nil
}

// recordDeployed writes the status virt-operator writes once all components are created and
// ready (pkg/virt-operator/kubevirt.go), with its own helpers.
func recordDeployed(ctx context.Context, client kubecli.KubevirtClient, desired *virtv1.KubeVirt, target *operatorutil.KubeVirtDeploymentConfig) error {
	kvs := client.KubeVirt(namespace)
	kv, err := kvs.Get(ctx, desired.Name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("KubeVirt CR: %w", err)
	}
	operatorutil.SetOperatorVersion(kv)
	if err := target.SetTargetDeploymentConfig(kv); err != nil {
		return err
	}
	operatorutil.SetDefaultArchitecture(kv)
	if err := target.SetObservedDeploymentConfig(kv); err != nil {
		return err
	}
	operatorutil.UpdateConditionsCreated(kv)
	kv.Status.Phase = virtv1.KubeVirtPhaseDeployed
	operatorutil.UpdateConditionsAvailable(kv)
	kv.Status.ObservedGeneration = &kv.Generation
	if _, err := kvs.UpdateStatus(ctx, kv, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("KubeVirt CR status: %w", err)
	}
	return nil
}
