import type { ResourceSizing } from '../model/environment';

/** Kubernetes resource requirements from a sizing: the operator's defaults and the CR share this shape. */
export function resourceRequirements(sizing: Required<ResourceSizing>): {
  requests: { cpu: string; memory: string };
  limits: { memory: string };
} {
  return { requests: { cpu: sizing.cpuRequest, memory: sizing.memoryRequest }, limits: { memory: sizing.memoryLimit } };
}
