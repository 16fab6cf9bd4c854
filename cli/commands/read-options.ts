import type { Command, OptionValues } from '@commander-js/extra-typings';

/** The options every command that reads a running environment takes (doctor, status): one set, written once. */
export function readOptions<A extends unknown[], O extends OptionValues>(command: Command<A, O>, json: string) {
  return command
    .option('--outputs <file>', 'Terraform outputs JSON (default: .mzops/<environment>/outputs.json)')
    .option('--kubeconfig <file>', "kubeconfig with the environment's context (default: KUBECONFIG, ~/.kube/config)")
    .option('--json', json);
}
