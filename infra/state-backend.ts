import { AzurermBackend, LocalBackend, type TerraformStack } from 'cdktf';
import type { Environment } from '../model/environment';

/**
 * Local state unless the environment names an azurerm backend; one state per environment either
 * way. Local state lives outside cdktf.out (`localStatePath`, relative to the stack folder where
 * Terraform runs), so no synth can delete it.
 */
export function configureStateBackend(stack: TerraformStack, env: Environment, localStatePath: string): void {
  const remote = env.state.azurerm;
  if (remote) {
    new AzurermBackend(stack, {
      resourceGroupName: remote.resourceGroupName,
      storageAccountName: remote.storageAccountName,
      containerName: remote.containerName,
      key: remote.key,
      useAzureadAuth: true,
    });
  } else {
    new LocalBackend(stack, { path: localStatePath });
  }
}
