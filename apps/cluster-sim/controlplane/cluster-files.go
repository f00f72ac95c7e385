package main

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type clusterPKI struct {
	ca, apiserver, kubeletClient, frontProxyCA, frontProxyClient *keyPair
	serviceAccountPrivate, serviceAccountPublic                  string
}

// ensurePKI makes (once) the certificates kubeadm would: the cluster CA, the API server's serving
// certificate, its client certificate for kubelets, and the front-proxy CA with the aggregator's
// client certificate.
func ensurePKI(dir, host string) (*clusterPKI, error) {
	var pki clusterPKI
	var err error
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	if pki.ca, err = loadOrCreate(dir, certSpec{name: "ca", commonName: "vmdeck-cluster-ca", isCA: true}, nil); err != nil {
		return nil, err
	}
	ips := []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1"), net.ParseIP("10.96.0.1")}
	if ip := net.ParseIP(host); ip != nil && !ip.IsLoopback() {
		ips = append(ips, ip)
	}
	if pki.apiserver, err = loadOrCreate(dir, certSpec{
		name: "apiserver", commonName: "kube-apiserver",
		dnsNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		ips:      ips,
		usage:    []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, pki.ca); err != nil {
		return nil, err
	}
	if pki.kubeletClient, err = loadOrCreate(dir, certSpec{
		name: "apiserver-kubelet-client", commonName: "kube-apiserver-kubelet-client",
		organization: []string{"kubeadm:cluster-admins"}, usage: client,
	}, pki.ca); err != nil {
		return nil, err
	}
	if pki.frontProxyCA, err = loadOrCreate(dir, certSpec{name: "front-proxy-ca", commonName: "front-proxy-ca", isCA: true}, nil); err != nil {
		return nil, err
	}
	if pki.frontProxyClient, err = loadOrCreate(dir, certSpec{
		name: "front-proxy-client", commonName: "front-proxy-client", usage: client,
	}, pki.frontProxyCA); err != nil {
		return nil, err
	}
	pki.serviceAccountPrivate, pki.serviceAccountPublic, err = ensureServiceAccountKey(dir)
	return &pki, err
}

// tokenUser is one line of kube-apiserver's --token-auth-file.
type tokenUser struct {
	name, user, uid string
	groups          []string
}

// The demo users admin, helpdesk and viewer (the README lists their rights; their RBAC bindings
// are applied by the node side at start), the two control-plane components, and the node side
// itself, which stands in for the components a KubeVirt installation runs with cluster-wide rights.
var tokenUsers = []tokenUser{
	{name: "admin", user: "admin", uid: "uid-admin", groups: []string{"vmdeck:admins"}},
	{name: "helpdesk", user: "helpdesk", uid: "uid-helpdesk", groups: []string{"vmdeck:helpdesk"}},
	{name: "viewer", user: "viewer", uid: "uid-viewer", groups: []string{"vmdeck:viewers"}},
	{name: "kube-controller-manager", user: "system:kube-controller-manager", uid: "uid-kcm"},
	{name: "kube-scheduler", user: "system:kube-scheduler", uid: "uid-scheduler"},
	{name: "cluster-sim", user: "system:cluster-sim", uid: "uid-cluster-sim", groups: []string{"system:masters"}},
}

// ensureTokens keeps the tokens of earlier runs (kubeconfigs written then keep working) and
// writes the token file; it answers name → token.
func ensureTokens(path string) (map[string]string, error) {
	tokens := map[string]string{}
	if file, err := os.Open(path); err == nil {
		reader := csv.NewReader(file)
		reader.FieldsPerRecord = -1 // rows with groups have a fourth field, the others do not
		rows, err := reader.ReadAll()
		_ = file.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, row := range rows {
			for _, u := range tokenUsers {
				if len(row) > 1 && row[1] == u.user {
					tokens[u.name] = row[0]
				}
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var out strings.Builder
	writer := csv.NewWriter(&out)
	for _, u := range tokenUsers {
		if tokens[u.name] == "" {
			raw := make([]byte, 24)
			if _, err := rand.Read(raw); err != nil {
				return nil, err
			}
			tokens[u.name] = hex.EncodeToString(raw)
		}
		row := []string{tokens[u.name], u.user, u.uid}
		if len(u.groups) > 0 {
			row = append(row, strings.Join(u.groups, ","))
		}
		if err := writer.Write(row); err != nil {
			return nil, err
		}
	}
	writer.Flush()
	return tokens, os.WriteFile(path, []byte(out.String()), 0o600)
}

// writeComponentKubeconfigs writes one kubeconfig per token user, <dir>/kubeconfigs/<name>.
func writeComponentKubeconfigs(dir, url, caFile string, tokens map[string]string) (map[string]string, error) {
	out := filepath.Join(dir, "kubeconfigs")
	if err := os.MkdirAll(out, 0o700); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(tokens))
	for name := range tokens {
		names = append(names, name)
	}
	sort.Strings(names)
	paths := map[string]string{}
	for _, name := range names {
		path := filepath.Join(out, name)
		config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: vmdeck
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: %s
  user:
    token: %s
contexts:
- name: %s
  context:
    cluster: vmdeck
    user: %s
current-context: %s
`, url, caFile, name, tokens[name], name, name, name)
		if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
			return nil, err
		}
		paths[name] = path
	}
	return paths, nil
}
