import { AzurermBackend, LocalBackend, type TerraformStack } from 'cdktf';
import type { Environment } from '../model/environment';

/** Local state unless the environment names an azurerm backend; one state per environment either way. */
export function configureStateBackend(stack: TerraformStack, env: Environment): void {
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
    new LocalBackend(stack, { path: `terraform.${env.name}.tfstate` });
  }
}
