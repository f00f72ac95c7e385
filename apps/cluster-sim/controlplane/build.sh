#!/usr/bin/env bash
# Builds the control plane binary:  bash apps/cluster-sim/controlplane/build.sh OUTPUT
#
# The one place that knows the build flags: scripts/lib/go-builds.mjs (npm run demo, npm test,
# npm run sim, the benches) and this directory's Dockerfile both run it. Modules come from the Go
# module cache or GOPROXY as configured; nothing else is downloaded.
set -euo pipefail

out="${1:?usage: build.sh OUTPUT}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
mkdir -p "$(dirname "$out")"
cd "$(dirname "${BASH_SOURCE[0]}")"

# The Kubernetes release the components come from (k8s.io/kubernetes in go.mod, after any
# replace), stamped into the binary so `kubectl version` and /version report it, not v0.0.0.
version="$(go list -m -f '{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}' k8s.io/kubernetes)"
if [[ ! "$version" =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+ ]]; then
  echo "build.sh: cannot read the k8s.io/kubernetes version from go.mod (got '$version')" >&2
  exit 1
fi
major="${BASH_REMATCH[1]}"
minor="${BASH_REMATCH[2]}"
# SOURCE_DATE_EPOCH makes the date reproducible, as in Kubernetes' own hack/lib/version.sh.
build_date="$(date ${SOURCE_DATE_EPOCH:+--date=@$SOURCE_DATE_EPOCH} -u +%Y-%m-%dT%H:%M:%SZ)"

# Kubernetes stamps the same variables in both packages (hack/lib/version.sh, kube::version::ldflags):
# component-base/version serves /version and the components' --version, client-go/pkg/version is
# kubectl's client version. A module zip carries no commit: gitCommit stays empty rather than the
# "$Format:%H$" placeholder, and the tree state is "archive", Kubernetes' word for a build from a
# source archive.
ldflags=(-s -w)
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=(
    -X "$pkg.gitVersion=$version"
    -X "$pkg.gitMajor=$major"
    -X "$pkg.gitMinor=$minor"
    -X "$pkg.gitCommit="
    -X "$pkg.gitTreeState=archive"
    -X "$pkg.buildDate=$build_date"
  )
done

# Static (CGO_ENABLED=0) like Kubernetes' release builds of these components, so the binary runs on
# a slim base image; -trimpath keeps this machine's paths out of it.
CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "${ldflags[*]}" -o "$out" .
