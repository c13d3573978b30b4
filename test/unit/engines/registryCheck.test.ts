import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registryHost, registryReachable } from '../../../src/core/engines/registryCheck';

describe('registry reachability before a push', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/v2/' ? 401 : 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('finds the registry host of a reference', () => {
    assert.equal(registryHost('127.0.0.1:5000/app:v1'), '127.0.0.1:5000');
    assert.equal(registryHost('ghcr.io/acme/app'), 'ghcr.io');
    assert.equal(registryHost('acme/app:v1'), 'registry-1.docker.io');
    assert.equal(registryHost('app'), 'registry-1.docker.io');
  });

  it('counts an HTTP answer (401 included) from /v2/ as reachable', async () => {
    assert.deepEqual(await registryReachable(`127.0.0.1:${port}`), { ok: true });
  });

  it('reports a closed port quickly with the reason', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await registryReachable(`127.0.0.1:${freePort}`, 1000);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, /ECONNREFUSED/);
  });
});
