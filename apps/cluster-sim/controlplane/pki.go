package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// keyPair is a certificate with its key, as files under the state directory.
type keyPair struct {
	cert *x509.Certificate
	key  crypto.Signer
	// CertFile and KeyFile are the PEM files the components are pointed at.
	CertFile, KeyFile string
}

type certSpec struct {
	name         string
	commonName   string
	organization []string
	dnsNames     []string
	ips          []net.IP
	isCA         bool
	usage        []x509.ExtKeyUsage
}

// The certificates last ten years: a demo cluster's state directory outlives many runs, and a
// rotation here would only make kubeconfigs that tests wrote earlier stop working.
const certLifetime = 10 * 365 * 24 * time.Hour

// loadOrCreate reads <dir>/<name>.{crt,key} or makes them, signed by ca (self-signed if nil).
func loadOrCreate(dir string, spec certSpec, ca *keyPair) (*keyPair, error) {
	pair := &keyPair{
		CertFile: filepath.Join(dir, spec.name+".crt"),
		KeyFile:  filepath.Join(dir, spec.name+".key"),
	}
	if loaded, err := readPair(pair.CertFile, pair.KeyFile); err == nil {
		loaded.CertFile, loaded.KeyFile = pair.CertFile, pair.KeyFile
		return loaded, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: spec.commonName, Organization: spec.organization},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certLifetime),
		DNSNames:              spec.dnsNames,
		IPAddresses:           spec.ips,
		BasicConstraintsValid: true,
		IsCA:                  spec.isCA,
		ExtKeyUsage:           spec.usage,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}
	if spec.isCA {
		template.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	}
	parent, signer := template, crypto.Signer(key)
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, key.Public(), signer)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := writePEM(pair.KeyFile, "PRIVATE KEY", keyDER, 0o600); err != nil {
		return nil, err
	}
	if err := writePEM(pair.CertFile, "CERTIFICATE", der, 0o644); err != nil {
		return nil, err
	}
	pair.cert, err = x509.ParseCertificate(der)
	pair.key = key
	return pair, err
}

func readPair(certFile, keyFile string) (*keyPair, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	certBlock, _ := pem.Decode(certPEM)
	keyBlock, _ := pem.Decode(keyPEM)
	if certBlock == nil || keyBlock == nil {
		return nil, fmt.Errorf("%s or %s is not PEM", certFile, keyFile)
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(keyBlock.Bytes)
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s holds no signing key", keyFile)
	}
	return &keyPair{cert: cert, key: signer}, nil
}

// ensureServiceAccountKey makes the RSA key pair kube-apiserver signs service-account tokens
// with (RS256, the algorithm every Kubernetes client expects of them).
func ensureServiceAccountKey(dir string) (private, public string, err error) {
	private, public = filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")
	if _, err := os.Stat(private); err == nil {
		return private, public, nil
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	if err := writePEM(public, "PUBLIC KEY", pubDER, 0o644); err != nil {
		return "", "", err
	}
	return private, public, writePEM(private, "PRIVATE KEY", keyDER, 0o600)
}

func writePEM(path, blockType string, der []byte, mode os.FileMode) error {
	data := pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
