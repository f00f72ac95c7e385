package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

type options struct {
	stateDir               string
	host                   string
	port                   int
	nodeMonitorGracePeriod time.Duration
	verbosity              int
	crdDir                 string
}

// clusterInfo is what the node side (apps/cluster-sim) reads to reach this control plane:
// <state-dir>/cluster.json, written once the API server answers /readyz.
type clusterInfo struct {
	URL    string            `json:"url"`
	CAFile string            `json:"caFile"`
	Tokens map[string]string `json:"tokens"`
	// FrontProxyCAFile signs the client certificate kube-apiserver's aggregator presents to
	// aggregated API servers (--requestheader-client-ca-file); they must check it.
	FrontProxyCAFile string `json:"frontProxyCAFile"`
	// KubeletClientCert and KubeletClientKey are what kube-apiserver presents to kubelets.
	KubeletClientCAFile  string `json:"kubeletClientCAFile"`
	ServiceAccountIssuer string `json:"serviceAccountIssuer"`
	PID                  int    `json:"pid"`
}

func run(ctx context.Context, opts options) error {
	dir, err := filepath.Abs(opts.stateDir)
	if err != nil {
		return err
	}
	pkiDir := filepath.Join(dir, "pki")
	if err := os.MkdirAll(pkiDir, 0o700); err != nil {
		return err
	}
	_ = os.Remove(filepath.Join(dir, "cluster.json"))
	port := opts.port
	if port == 0 {
		if port, err = freePort(opts.host); err != nil {
			return err
		}
	}
	pki, err := ensurePKI(pkiDir, opts.host)
	if err != nil {
		return fmt.Errorf("certificates in %s: %w", pkiDir, err)
	}
	tokens, err := ensureTokens(filepath.Join(dir, "tokens.csv"))
	if err != nil {
		return err
	}

	etcd, err := startEtcd(filepath.Join(dir, "etcd"), opts.host)
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	defer etcd.Close()

	url := "https://" + net.JoinHostPort(opts.host, strconv.Itoa(port))
	apiserverDone := make(chan error, 1)
	go func() { apiserverDone <- runAPIServer(ctx, apiServerArgs(opts, port, etcd.clientURL, pki, dir)) }()
	if err := waitReady(ctx, url, pki.ca.CertFile, tokens["admin"], apiserverDone); err != nil {
		return err
	}

	kubeconfigs, err := writeComponentKubeconfigs(dir, url, pki.ca.CertFile, tokens)
	if err != nil {
		return err
	}
	if opts.crdDir != "" {
		if err := installCRDs(ctx, kubeconfigs["cluster-sim"], opts.crdDir); err != nil {
			return fmt.Errorf("CRDs from %s: %w", opts.crdDir, err)
		}
	}
	componentErrors := make(chan error, 2)
	go func() {
		componentErrors <- runControllerManager(ctx, controllerManagerArgs(opts, kubeconfigs["kube-controller-manager"], pki))
	}()
	go func() { componentErrors <- runScheduler(ctx, schedulerArgs(opts, kubeconfigs["kube-scheduler"])) }()

	info := clusterInfo{
		URL:                  url,
		CAFile:               pki.ca.CertFile,
		Tokens:               tokens,
		FrontProxyCAFile:     pki.frontProxyCA.CertFile,
		KubeletClientCAFile:  pki.ca.CertFile,
		ServiceAccountIssuer: serviceAccountIssuer,
		PID:                  os.Getpid(),
	}
	if err := writeJSON(filepath.Join(dir, "cluster.json"), info); err != nil {
		return err
	}
	fmt.Printf("controlplane: ready %s\n", url)

	select {
	case <-ctx.Done():
	case err := <-apiserverDone:
		return fmt.Errorf("kube-apiserver stopped: %w", err)
	case err := <-componentErrors:
		return fmt.Errorf("a controller stopped: %w", err)
	}
	// kube-apiserver drains its requests on the same signal; give it a moment, not forever.
	select {
	case <-apiserverDone:
	case <-time.After(10 * time.Second):
	}
	return nil
}

// waitReady polls /readyz as the admin until it answers 200, the API server fails, or ctx ends.
func waitReady(ctx context.Context, url, caFile, token string, failed <-chan error) error {
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if res, err := client.Do(req); err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-failed:
			return fmt.Errorf("kube-apiserver: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return errors.New("kube-apiserver was not ready within 3 minutes")
}

func freePort(host string) (int, error) {
	listener, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, err
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}

func writeJSON(path string, value any) error {
	data, err := json.MarshalIndent(value, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
