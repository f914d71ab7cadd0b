#!/usr/bin/env bash
# Prints one ConfigMap per content kind, built from a content directory, for
# `kubectl apply -f -`. The Deployment mounts them at /content/<kind>.
# Usage: deploy/kubernetes/content-configmaps.sh [content-dir] | kubectl apply -f -
set -euo pipefail
dir=${1:-content}
for kind in conditions red-flags techniques exercises sources; do
  kubectl create configmap "backcare-content-$kind" --from-file="$dir/$kind" --dry-run=client -o yaml
  echo "---"
done
