import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { reference } from '../support/reference';

export const CRDS = reference('crds');
export const AKS_FLUX_CRDS = reference('crds/flux-v2.7.5-aks-extension');

type Schema = Record<string, unknown>;

/**
 * Closes every object schema that lists properties, as `kubeconform -strict` does: an unknown
 * (misspelt, or too new for the target Flux) field is an error, not silently dropped.
 */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const s = { ...(schema as Schema) };
  for (const [k, v] of Object.entries(s))
    s[k] =
      k === 'properties' || k === 'definitions'
        ? Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, strict(pv)]))
        : strict(v);
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) s.additionalProperties = false;
  return s;
}

function newAjv(): Ajv {
  return new Ajv({ strict: false, allErrors: true, validateFormats: false });
}

/** apiVersion/kind -> validator, from CRD files (served versions only). */
export function crdValidators(dir: string): Map<string, ValidateFunction> {
  const ajv = newAjv();
  const map = new Map<string, ValidateFunction>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const crd = doc.toJS() as {
        spec: {
          group: string;
          names: { kind: string };
          versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[];
        };
      };
      for (const v of crd.spec.versions.filter((x) => x.served)) {
        const schema = strict(v.schema.openAPIV3Schema) as Schema;
        // metadata is validated by the API server's ObjectMeta, not by the CRD.
        const props = { ...(schema.properties as Schema), metadata: { type: 'object' } };
        map.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile({ ...schema, properties: props }));
      }
    }
  }
  return map;
}

/** The Kubernetes minors whose definitions the reference data holds (k8s-schemas/v<minor>.0_definitions.json), oldest first. */
export function definedMinors(): string[] {
  return readdirSync(reference('k8s-schemas'))
    .map((f) => /^v(\d+\.\d+)\.0_definitions\.json$/.exec(f)?.[1])
    .filter((m): m is string => !!m)
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

const validatorsByMinor = new Map<string, Map<string, ValidateFunction>>();

/** apiVersion/kind -> validator for the core kinds of one Kubernetes minor (`1.36`). */
export function kubernetesValidators(minor: string): Map<string, ValidateFunction> {
  const cached = validatorsByMinor.get(minor);
  if (cached) return cached;
  const doc = JSON.parse(readFileSync(reference(`k8s-schemas/v${minor}.0_definitions.json`), 'utf8')) as {
    definitions: Record<string, Schema>;
  };
  const ajv = newAjv();
  ajv.addSchema(strict(doc) as Schema, 'k8s');
  const map = new Map<string, ValidateFunction>();
  for (const [name, def] of Object.entries(doc.definitions)) {
    for (const gvk of (def['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
      const key = `${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`;
      map.set(key, ajv.getSchema(`k8s#/definitions/${name}`) as ValidateFunction);
    }
  }
  validatorsByMinor.set(minor, map);
  return map;
}

export function keyOf(obj: { apiVersion: string; kind: string }): string {
  return `${obj.apiVersion}/${obj.kind}`;
}
