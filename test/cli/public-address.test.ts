import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { loadEnvironment } from '../../model/load';
import { authorizedRangesProblem, publicAddress } from '../../cli/public-address';
import { env, exampleWith } from '../helpers';

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

const restricted = loadEnvironment(
  exampleWith((d) => (d.aks = { ...d.aks, apiServerAuthorizedRanges: ['198.51.100.0/24', '203.0.113.7/32'] })),
);

describe('deploy: is this machine inside aks.apiServerAuthorizedRanges?', () => {
  it('asks nothing when the API server is open', async () => {
    const lookup = jest.fn(async () => '192.0.2.1');
    expect(await authorizedRangesProblem(env('example'), lookup)).toBeUndefined();
    expect(lookup).not.toHaveBeenCalled();
  });

  it('refuses an address outside the ranges, naming the address and the line to add', async () => {
    const echo = createServer((_req, res) => res.end('192.0.2.44\n'));
    const port = await listen(echo);
    try {
      const problem = await authorizedRangesProblem(restricted, () => publicAddress(`http://127.0.0.1:${port}/`));
      expect(problem).toMatchObject({
        blocking: true,
        fix: expect.stringContaining('add "192.0.2.44/32" to aks.apiServerAuthorizedRanges in environments/example.ts'),
      });
      expect(problem!.problem).toMatch(
        /^this machine's public address 192\.0\.2\.44 is not in aks\.apiServerAuthorizedRanges \(198\.51\.100\.0\/24, 203\.0\.113\.7\/32\)/,
      );
    } finally {
      echo.close();
    }
  });

  it('passes an address inside a range, or the one a /32 names', async () => {
    expect(await authorizedRangesProblem(restricted, async () => '198.51.100.200')).toBeUndefined();
    expect(await authorizedRangesProblem(restricted, async () => '203.0.113.7')).toBeUndefined();
  });

  it('warns, without blocking, when the echo service never answers: the lookup is bounded', async () => {
    const sockets: Socket[] = [];
    const hole = createTcpServer((s) => sockets.push(s));
    const port = await listen(hole);
    try {
      const started = Date.now();
      const problem = await authorizedRangesProblem(restricted, () => publicAddress(`http://127.0.0.1:${port}/`, 300));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(problem).toMatchObject({ blocking: false, problem: expect.stringMatching(/could not learn this machine's public address/) });
    } finally {
      for (const s of sockets) s.destroy();
      hole.close();
    }
  });
});
