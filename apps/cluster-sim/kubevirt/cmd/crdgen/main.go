// Command crdgen writes the CustomResourceDefinitions that a KubeVirt cluster
// serves, one YAML file per CRD, so the simulator's real kube-apiserver can
// load them. Nothing is hand-written: each CRD comes from its project's own
// Go module, exactly as that project's operator or release installs it.
//
// Build and run from apps/cluster-sim/kubevirt (needs the go command at run
// time, to locate the two modules whose CRDs are YAML files):
//
//	go run ./cmd/crdgen -out DIR
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	snapshotv1 "github.com/kubernetes-csi/external-snapshotter/client/v8/apis/volumesnapshot/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	extvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	virtv1 "kubevirt.io/api/core/v1"
	kvlog "kubevirt.io/client-go/log"
	cdiresources "kubevirt.io/containerized-data-importer/pkg/operator/resources"
	"kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/components"
	"kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/install"
	"kubevirt.io/kubevirt/pkg/virt-operator/util"
	"sigs.k8s.io/yaml"
)

func main() {
	out := flag.String("out", "", "directory to write one <crd-name>.yaml per CRD into")
	flag.Parse()
	// virt-operator's code logs, for the default KubeVirt CR used below,
	// that there is no Prometheus and that synchronizationPort is empty:
	// noise here, and failures still come back as errors.
	kvlog.Log.SetIOWriter(io.Discard)
	if *out == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	n, err := run(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crdgen:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d CRDs to %s\n", n, *out)
}

func run(out string) (int, error) {
	var crds []*extv1.CustomResourceDefinition
	for _, source := range []func() ([]*extv1.CustomResourceDefinition, error){
		kubevirtCRDs, cdiCRDs, nadCRDs, snapshotCRDs,
	} {
		c, err := source()
		if err != nil {
			return 0, err
		}
		crds = append(crds, c...)
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	sort.Slice(crds, func(i, j int) bool { return crds[i].Name < crds[j].Name })
	for i, crd := range crds {
		if i > 0 && crds[i-1].Name == crd.Name {
			return 0, fmt.Errorf("CRD %s produced twice", crd.Name)
		}
		if err := validate(crd); err != nil {
			return 0, err
		}
		data, err := marshal(crd)
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(out, crd.Name+".yaml"), data, 0o644); err != nil {
			return 0, err
		}
	}
	return len(crds), nil
}

// marshal writes crd as YAML without status and creationTimestamp (not part
// of a manifest); sigs.k8s.io/yaml sorts keys, so the bytes are
// deterministic. KubeVirt's tools/util.MarshallObject is not used: its text
// substitutions for templates (dropping "'" after a '"') corrupt CDI's
// single-quoted descriptions. The result is decoded again and compared, so
// a YAML that does not mean exactly the CRD never gets written.
func marshal(crd *extv1.CustomResourceDefinition) ([]byte, error) {
	want := crd.DeepCopy()
	want.Status = extv1.CustomResourceDefinitionStatus{}
	want.CreationTimestamp = metav1.Time{}
	data, err := json.Marshal(want)
	if err != nil {
		return nil, err
	}
	// Numbers stay json.Number so no int64 bound turns into a float.
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	delete(obj, "status")
	delete(obj["metadata"].(map[string]any), "creationTimestamp")
	if data, err = json.Marshal(obj); err != nil {
		return nil, err
	}
	out, err := yaml.JSONToYAML(data)
	if err != nil {
		return nil, err
	}
	back := &extv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict(out, back); err != nil {
		return nil, fmt.Errorf("%s: written YAML does not decode: %w", crd.Name, err)
	}
	if !equality.Semantic.DeepEqual(want, back) {
		return nil, fmt.Errorf("%s: written YAML decodes to a different CRD", crd.Name)
	}
	return out, nil
}

// validate runs the checks kube-apiserver runs when the CRD is created
// (defaulting, then apiextensions validation, which includes the structural
// schema rules), so a CRD it would refuse fails here, at build time.
func validate(crd *extv1.CustomResourceDefinition) error {
	if crd.APIVersion != "apiextensions.k8s.io/v1" || crd.Kind != "CustomResourceDefinition" {
		return fmt.Errorf("%s is a %s %s, not an apiextensions.k8s.io/v1 CRD", crd.Name, crd.APIVersion, crd.Kind)
	}
	v1 := crd.DeepCopy()
	extv1.SetObjectDefaults_CustomResourceDefinition(v1)
	internal := &apiextensions.CustomResourceDefinition{}
	if err := extv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(v1, internal, nil); err != nil {
		return fmt.Errorf("convert %s: %w", crd.Name, err)
	}
	if errs := extvalidation.ValidateCustomResourceDefinition(context.Background(), internal); len(errs) > 0 {
		return fmt.Errorf("CRD %s would be refused: %w", crd.Name, errs.ToAggregate())
	}
	return nil
}

// kubevirtCRDs takes the CRDs from the install strategy virt-operator
// computes, so the list (and the OpenAPI schemas patched in from
// validations_generated.go) is what the operator really applies. The
// KubeVirt CRD itself is not part of the strategy: it ships in the
// operator's release manifest, generated by the same components package.
func kubevirtCRDs() ([]*extv1.CustomResourceDefinition, error) {
	// A default KubeVirt CR: images and namespace only shape Deployments and
	// RBAC. Its Beta feature gates are on, so, as on a real default install,
	// the strategy includes virt-template's template.kubevirt.io CRDs.
	kv := &virtv1.KubeVirt{ObjectMeta: metav1.ObjectMeta{Namespace: "kubevirt", Name: "kubevirt"}}
	strategy, err := install.GenerateCurrentInstallStrategy(util.GetTargetConfigFromKV(kv), "", "kubevirt")
	if err != nil {
		return nil, fmt.Errorf("kubevirt install strategy: %w", err)
	}
	kvCRD, err := components.NewKubeVirtCrd()
	if err != nil {
		return nil, fmt.Errorf("kubevirt CRD: %w", err)
	}
	return append(strategy.CRDs(), kvCRD), nil
}

// cdiCRDs decodes every CRD of CDI's generated table, as cdi-operator does:
// its cluster "crd-resources" group decodes all entries but "cdi", which
// its release manifest (operator.NewCdiCrd) decodes. Those two packages are
// not imported because they pull in an openshift/api newer than the one
// kubevirt pins (secv1.RequiredSCCAnnotation is undefined there).
func cdiCRDs() ([]*extv1.CustomResourceDefinition, error) {
	var crds []*extv1.CustomResourceDefinition
	for name, text := range cdiresources.CDICRDs {
		crd := &extv1.CustomResourceDefinition{}
		if err := k8syaml.NewYAMLToJSONDecoder(strings.NewReader(text)).Decode(crd); err != nil {
			return nil, fmt.Errorf("cdi CRD %s: %w", name, err)
		}
		crds = append(crds, crd)
	}
	return crds, nil
}

// nadCRDs reads the CRD YAML that network-attachment-definition-client ships
// in its module (artifacts/networks-crd.yaml): the project defines the CRD
// only as that file, not in Go.
func nadCRDs() ([]*extv1.CustomResourceDefinition, error) {
	const mod = "github.com/k8snetworkplumbingwg/network-attachment-definition-client"
	return moduleCRDs(mod, nadv1.SchemeGroupVersion.Group, "artifacts/networks-crd.yaml")
}

// snapshotCRDs reads the snapshot.storage.k8s.io CRD YAML that
// external-snapshotter ships in its client module (config/crd/): the project
// generates those files with controller-gen and defines no CRD in Go.
func snapshotCRDs() ([]*extv1.CustomResourceDefinition, error) {
	const mod = "github.com/kubernetes-csi/external-snapshotter/client/v8"
	return moduleCRDs(mod, snapshotv1.GroupName, "config/crd/snapshot.storage.k8s.io_*.yaml")
}

// moduleCRDs decodes the CRDs in the files matching pattern inside module
// mod, at the version this binary was built with (so go.mod pins it), and
// checks they are of the API group the module's Go types register.
func moduleCRDs(mod, group, pattern string) ([]*extv1.CustomResourceDefinition, error) {
	dir, err := moduleDir(mod)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no %s in %s (%v)", pattern, dir, err)
	}
	var crds []*extv1.CustomResourceDefinition
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		dec := k8syaml.NewYAMLToJSONDecoder(f)
		for {
			crd := &extv1.CustomResourceDefinition{}
			err := dec.Decode(crd)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			if crd.Name == "" { // empty document, e.g. before a leading "---"
				continue
			}
			if crd.Spec.Group != group {
				f.Close()
				return nil, fmt.Errorf("%s: CRD %s has group %s, want %s", file, crd.Name, crd.Spec.Group, group)
			}
			crds = append(crds, crd)
		}
		f.Close()
	}
	return crds, nil
}

// moduleDir finds mod in the module cache (downloading it if need be) at the
// version recorded in this binary's build info.
func moduleDir(mod string) (string, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", errors.New("no build info in binary")
	}
	version := ""
	for _, d := range info.Deps {
		if d.Path == mod {
			version = d.Version
			if d.Replace != nil {
				mod, version = d.Replace.Path, d.Replace.Version
			}
		}
	}
	if version == "" {
		return "", fmt.Errorf("%s is not a dependency of this binary", mod)
	}
	cmd := exec.Command("go", "mod", "download", "-json", mod+"@"+version)
	cmd.Dir = os.TempDir() // outside any module, so no go.mod is consulted
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	var res struct{ Dir, Error string }
	if jerr := json.Unmarshal(stdout, &res); jerr == nil && res.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", mod, version, res.Error)
	}
	if err != nil || res.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %v", mod, version, err)
	}
	return res.Dir, nil
}
