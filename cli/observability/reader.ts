import { OBSERVABILITY, TF_OUTPUTS } from '../../model/contract';
import type { Environment } from '../../model/environment';
import type { StackOutputs } from '../terraform-outputs';
import { azureTokenProvider } from './azure-token';
import { prometheusReader, type MetricsReader } from './prometheus-api';

/** The environment's metrics, read from its Azure Monitor workspace with the signed-in Azure CLI's token; none when observability is off or not deployed. */
export function metricsReaderFor(env: Environment, outputs: StackOutputs | undefined): MetricsReader | undefined {
  const endpoint = outputs?.[TF_OUTPUTS.prometheusQueryEndpoint];
  if (!env.observability.enabled || !endpoint) return undefined;
  return prometheusReader(endpoint, azureTokenProvider(OBSERVABILITY.tokenResources.prometheus));
}
