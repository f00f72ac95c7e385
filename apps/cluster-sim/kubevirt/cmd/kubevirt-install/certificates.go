package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"kubevirt.io/client-go/kubecli"
	certutil "kubevirt.io/kubevirt/pkg/certificates/triple/cert"
	"kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/components"
	"kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/install"
)

// Nothing rotates certificates here (virt-operator would, before 80% of their life): a year
// outlives any demo or test run, and a new run with fresh etcd issues new ones.
var lifetime = &metav1.Duration{Duration: 365 * 24 * time.Hour}

// The CA secrets sign themselves; every other certificate secret is signed by kubevirt-ca, as
// virt-operator's createOrUpdateComponentsWithCertificates does for the components it runs.
var caSecrets = map[string]bool{
	components.KubeVirtCASecretName:       true,
	components.KubeVirtExportCASecretName: true,
	components.KubeVirtBackupCASecretName: true,
}

type certificates struct {
	caBundle []byte
	secrets  []*corev1.Secret
}

// ensureCertificates creates the strategy's certificate secrets with virt-operator's population
// strategies (components.PopulateSecretWithCertificate); secrets that already hold a certificate,
// from an earlier start against the same etcd, are kept so running components stay valid.
func ensureCertificates(ctx context.Context, client kubecli.KubevirtClient, strategy *install.Strategy) (*certificates, error) {
	secrets := client.CoreV1().Secrets(namespace)
	ensure := func(secret *corev1.Secret, ca *tls.Certificate) (*corev1.Secret, error) {
		existing, err := secrets.Get(ctx, secret.Name, metav1.GetOptions{})
		if err == nil && len(existing.Data[corev1.TLSCertKey]) > 0 {
			return existing, nil
		}
		if err != nil && !errors.IsNotFound(err) {
			return nil, err
		}
		secret = secret.DeepCopy()
		if err := components.PopulateSecretWithCertificate(secret, ca, lifetime); err != nil {
			return nil, fmt.Errorf("secret %s: %w", secret.Name, err)
		}
		if existing != nil && err == nil {
			secret.ResourceVersion = existing.ResourceVersion
			return secrets.Update(ctx, secret, metav1.UpdateOptions{})
		}
		return secrets.Create(ctx, secret, metav1.CreateOptions{})
	}

	out := &certificates{}
	cas := map[string]*tls.Certificate{}
	for _, secret := range strategy.CertificateSecrets() {
		if !caSecrets[secret.Name] {
			continue
		}
		made, err := ensure(secret, nil)
		if err != nil {
			return nil, err
		}
		ca, err := keyPair(made)
		if err != nil {
			return nil, err
		}
		cas[made.Name] = ca
		out.secrets = append(out.secrets, made)
	}
	ca := cas[components.KubeVirtCASecretName]
	if ca == nil {
		return nil, fmt.Errorf("the install strategy has no %s secret", components.KubeVirtCASecretName)
	}
	for _, secret := range strategy.CertificateSecrets() {
		if caSecrets[secret.Name] {
			continue
		}
		made, err := ensure(secret, ca)
		if err != nil {
			return nil, err
		}
		out.secrets = append(out.secrets, made)
	}

	configMaps := client.CoreV1().ConfigMaps(namespace)
	for _, cm := range strategy.ConfigMaps() {
		if cm.Name != components.ExternalKubeVirtCAConfigMapName && cas[cm.Name] == nil {
			continue
		}
		cm = cm.DeepCopy()
		bundle := ""
		if signer := cas[cm.Name]; signer != nil {
			bundle = string(pemOf(signer))
		}
		cm.Data = map[string]string{components.CABundleKey: bundle}
		if cm.Name == components.KubeVirtCASecretName {
			out.caBundle = []byte(bundle)
		}
		if _, err := configMaps.Update(ctx, cm, metav1.UpdateOptions{}); errors.IsNotFound(err) {
			_, err = configMaps.Create(ctx, cm, metav1.CreateOptions{})
			if err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func keyPair(secret *corev1.Secret) (*tls.Certificate, error) {
	pair, err := tls.X509KeyPair(secret.Data[corev1.TLSCertKey], secret.Data[corev1.TLSPrivateKeyKey])
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", secret.Name, err)
	}
	if pair.Leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
		return nil, err
	}
	return &pair, nil
}

func pemOf(cert *tls.Certificate) []byte {
	return certutil.EncodeCertPEM(cert.Leaf)
}

// writeFiles writes every certificate secret as <dir>/<secret>/tls.crt and tls.key (the layout of
// a mounted secret volume, which is where the components read them in a pod) and the CA bundle as
// <dir>/kubevirt-ca/ca-bundle.
func (c *certificates) writeFiles(dir string) error {
	for _, secret := range c.secrets {
		sub := filepath.Join(dir, secret.Name)
		if err := os.MkdirAll(sub, 0o700); err != nil {
			return err
		}
		for _, key := range []string{corev1.TLSCertKey, corev1.TLSPrivateKeyKey} {
			if err := os.WriteFile(filepath.Join(sub, key), secret.Data[key], 0o600); err != nil {
				return err
			}
		}
	}
	return os.WriteFile(filepath.Join(dir, components.KubeVirtCASecretName, components.CABundleKey), c.caBundle, 0o600)
}
