#!/usr/bin/env bash
# Validates the deploy files without a cluster or a Docker engine: the Kubernetes manifests
# against the Kubernetes OpenAPI schemas (kubernetes-validate from PyPI, strict: unknown
# fields fail), then the cross-references a schema cannot see (tools/deploy_check.py):
# selectors, ports, probe paths, ConfigMap and Secret names, the dashboard, the compose file.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${DEPLOY_CHECK_VENV:-$HOME/.cache/eosc-perf-deploy-venv}"
if [ ! -x "$VENV/bin/kubernetes-validate" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'kubernetes-validate==1.37.0' 'PyYAML>=6'
fi
manifests=$(ls deploy/k8s/*.yaml | grep -v kustomization.yaml)
# ServiceMonitor is a CRD the Kubernetes schemas do not know: it is checked by deploy_check.py.
"$VENV/bin/kubernetes-validate" --strict --quiet $manifests
"$VENV/bin/python" .ci/deploy_check.py
echo "[deploy] manifests, dashboard and compose file are consistent"
