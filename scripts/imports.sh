#!/usr/bin/env bash
# Regenerates imports/ from the checksummed upstream CRDs in .reference/ (offline; npm run reference fills it).
# cdk8s.yaml lists the same files' pinned upstream URLs. The CLI may print an HTTP error
# after writing each file: that is its update check, not the import.
set -uo pipefail
cd "$(dirname "$0")/.."
npm run --silent reference >/dev/null
crds=$(realpath .reference/crds)
aks="$crds/flux-v2.7.5-aks-extension"
for spec in \
  "flux-source:=$aks/source.toolkit.fluxcd.io_helmrepositories.yaml" \
  "flux-kustomize:=$aks/kustomize.toolkit.fluxcd.io_kustomizations.yaml" \
  "flux-helm:=$aks/helm.toolkit.fluxcd.io_helmreleases.yaml" \
  "sealed-secrets:=$crds/bitnami.com_sealedsecrets.yaml"; do
  npx cdk8s import "$spec" --language typescript --output imports --no-save >/dev/null 2>&1
  test -s "imports/${spec%%:=*}-"*.ts || { echo "import failed: $spec" >&2; exit 1; }
done
# The core Kubernetes bindings, for the default AKS minor (model/aks-versions.ts), from the cached definitions.
node --require ./core/register.js scripts/import-k8s.ts 1.36.0 imports >/dev/null
# Every operator chart version the project renders and checks, oldest first (model/operator-versions.ts reads the result).
charts=$(realpath .reference/charts)
node --require ./core/register.js scripts/gen-operator-defaults.ts \
  "$charts/materialize-operator-v26.12.0" v26.12.0 \
  "$charts/materialize-operator-v26.37.0" v26.37.0
# Where Materialize exposes metrics, from its own scrape definitions.
node --require ./core/register.js scripts/gen-scrapers.ts "$charts/materialize-monitoring-0.18.1" >/dev/null
# Its dashboards, in the form Grafana 11 (Azure Managed Grafana) accepts.
node --require ./core/register.js scripts/gen-dashboards.ts "$charts/materialize-monitoring-0.18.1" >/dev/null
echo "imports/ and model/generated/ regenerated"
