import { kubectlMessage } from '../../cli/kube';

// What kubectl 1.3x prints on stderr when the API server does not answer (recorded by hand from
// kubectl's klog format: no cluster runs here).
const UNREACHABLE = [
  'E1201 10:00:01.101010   4242 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"https://mzexample-aks.hcp.eastus2.azmk8s.io:443/api?timeout=32s\\": dial tcp 20.1.2.3:443: i/o timeout"',
  'E1201 10:00:33.202020   4242 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: ..."',
  'E1201 10:01:05.303030   4242 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: ..."',
  'Unable to connect to the server: dial tcp 20.1.2.3:443: i/o timeout',
  '',
].join('\n');

describe("kubectl's stderr, as one line", () => {
  it('keeps the verdict and counts the retry lines instead of printing them', () => {
    expect(kubectlMessage(UNREACHABLE)).toBe(
      'Unable to connect to the server: dial tcp 20.1.2.3:443: i/o timeout (and 3 retry line(s) from kubectl)',
    );
  });

  it('passes a plain one-line error through, and keeps the last klog line when there is nothing else', () => {
    expect(kubectlMessage('Error from server (NotFound): materializes.materialize.cloud "materialize" not found\n')).toBe(
      'Error from server (NotFound): materializes.materialize.cloud "materialize" not found',
    );
    expect(kubectlMessage('E1201 10:00:01.101010   4242 memcache.go:265] boom\n')).toBe('boom');
  });
});
