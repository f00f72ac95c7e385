package main

import (
	"context"
	"encoding/json"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/components"
	"kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/install"
)

// applier server-side-applies objects of any kind, so a second start against kept etcd data
// changes nothing.
type applier struct {
	dynamic dynamic.Interface
	mapper  *restmapper.DeferredDiscoveryRESTMapper
}

func newApplier(config *rest.Config) (*applier, error) {
	dyn, err := dynamic.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	disco, err := discovery.NewDiscoveryClientForConfig(config)
	if err != nil {
		return nil, err
	}
	return &applier{dynamic: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco))}, nil
}

func (a *applier) namespace(ctx context.Context, name string) error {
	return a.apply(ctx, &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: name},
	})
}

func (a *applier) apply(ctx context.Context, obj runtime.Object) error {
	gvk := obj.GetObjectKind().GroupVersionKind()
	if gvk.Kind == "" {
		return fmt.Errorf("%T has no apiVersion/kind", obj)
	}
	mapping, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return fmt.Errorf("%s: %w", gvk, err)
	}
	meta, err := metaOf(obj)
	if err != nil {
		return err
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	var resource dynamic.ResourceInterface = a.dynamic.Resource(mapping.Resource)
	if meta.GetNamespace() != "" {
		resource = a.dynamic.Resource(mapping.Resource).Namespace(meta.GetNamespace())
	}
	force := true
	_, err = resource.Patch(ctx, meta.GetName(), types.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: "kubevirt-install", Force: &force})
	if err != nil {
		return fmt.Errorf("applying %s %s: %w", gvk.Kind, meta.GetName(), err)
	}
	return nil
}

func servedByVirtAPI(config admissionregistrationv1.WebhookClientConfig) bool {
	return config.Service != nil && config.Service.Name == "virt-api"
}

func pointAtVirtAPI(config *admissionregistrationv1.WebhookClientConfig, caBundle []byte, port int32) {
	config.CABundle = caBundle
	config.Service.Port = &port
}

func metaOf(obj runtime.Object) (metav1.Object, error) {
	accessor, ok := obj.(metav1.ObjectMetaAccessor)
	if !ok {
		return nil, fmt.Errorf("%T has no metadata", obj)
	}
	return accessor.GetObjectMeta(), nil
}

func applyAll(ctx context.Context, a *applier, objects []runtime.Object) error {
	for _, o := range objects {
		if err := a.apply(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// componentObjects is what virt-operator's reconciler creates from the strategy before the
// components run, less CRDs (the control plane loaded those before its controllers started),
// certificates (made before) and workloads. caBundle is kubevirt-ca's, which virt-operator puts
// into APIServices and webhooks.
func componentObjects(s *install.Strategy, caBundle []byte, apiPort int32) []runtime.Object {
	// virt-operator creates the priority class its components' pods name before anything else.
	objects := []runtime.Object{components.NewKubeVirtPriorityClassCR()}
	for _, o := range s.ServiceAccounts() {
		objects = append(objects, o)
	}
	for _, o := range s.ClusterRoles() {
		objects = append(objects, o)
	}
	for _, o := range s.ClusterRoleBindings() {
		objects = append(objects, o)
	}
	for _, o := range s.Roles() {
		objects = append(objects, o)
	}
	for _, o := range s.RoleBindings() {
		objects = append(objects, o)
	}
	for _, o := range s.Services() {
		o = o.DeepCopy()
		// See the package comment: kube-apiserver dials an ExternalName service's name directly.
		o.Spec = corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "127.0.0.1", Ports: o.Spec.Ports}
		for i := range o.Spec.Ports {
			if o.Name == "virt-api" {
				o.Spec.Ports[i].Port = apiPort
			}
			o.Spec.Ports[i].TargetPort.IntVal, o.Spec.Ports[i].TargetPort.StrVal = o.Spec.Ports[i].Port, ""
		}
		objects = append(objects, o)
	}
	for _, o := range s.APIServices() {
		o = o.DeepCopy()
		o.Spec.CABundle = caBundle
		o.Spec.Service.Port = &apiPort
		objects = append(objects, o)
	}
	// Only virt-api's webhooks: virt-operator's own (which guard the KubeVirt CR) would call a
	// server that does not run here.
	for _, o := range s.ValidatingWebhookConfigurations() {
		o = o.DeepCopy()
		if !servedByVirtAPI(o.Webhooks[0].ClientConfig) {
			continue
		}
		for i := range o.Webhooks {
			pointAtVirtAPI(&o.Webhooks[i].ClientConfig, caBundle, apiPort)
		}
		objects = append(objects, o)
	}
	for _, o := range s.MutatingWebhookConfigurations() {
		o = o.DeepCopy()
		if !servedByVirtAPI(o.Webhooks[0].ClientConfig) {
			continue
		}
		for i := range o.Webhooks {
			pointAtVirtAPI(&o.Webhooks[i].ClientConfig, caBundle, apiPort)
		}
		objects = append(objects, o)
	}
	// The generator leaves these two without apiVersion and kind.
	policyKind := func(kind string) metav1.TypeMeta {
		return metav1.TypeMeta{APIVersion: admissionregistrationv1.SchemeGroupVersion.String(), Kind: kind}
	}
	for _, o := range s.ValidatingAdmissionPolicies() {
		o = o.DeepCopy()
		o.TypeMeta = policyKind("ValidatingAdmissionPolicy")
		objects = append(objects, o)
	}
	for _, o := range s.ValidatingAdmissionPolicyBindings() {
		o = o.DeepCopy()
		o.TypeMeta = policyKind("ValidatingAdmissionPolicyBinding")
		objects = append(objects, o)
	}
	// virt-handler's DaemonSet, so that each node has its virt-handler pod, which is how virt-api
	// finds a node's handler (kubecli's VirtHandlerClient: the pod's IP, port
	// --console-server-port). On the host network, that IP is the node's loopback address, where
	// the simulator's node side serves virt-handler's API.
	for _, o := range s.DaemonSets() {
		if o.Name != "virt-handler" {
			continue
		}
		o = o.DeepCopy()
		o.Spec.Template.Spec.HostNetwork = true
		o.Spec.Template.Spec.DNSPolicy = corev1.DNSClusterFirstWithHostNet
		objects = append(objects, o)
	}
	return objects
}

// instancetypesOf is KubeVirt's common instancetypes and preferences, which virt-api validates.
func instancetypesOf(s *install.Strategy) []runtime.Object {
	var objects []runtime.Object
	for _, o := range s.Instancetypes() {
		objects = append(objects, o)
	}
	for _, o := range s.Preferences() {
		objects = append(objects, o)
	}
	return objects
}
