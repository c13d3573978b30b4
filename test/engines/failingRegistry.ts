import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A registry that answers its API root like a real one (`/v2/` 200, so the pre-flight passes) and every
 * other request with `status`: what a push meets when the registry breaks (500) or refuses the credentials
 * (401, with the `WWW-Authenticate` challenge a real registry sends). Listens on 127.0.0.1, port chosen by the
 * system; docker treats 127.0.0.0/8 as plain HTTP.
 */
export async function failingRegistry(
  status: 500 | 401,
  apiRoot = 200,
): Promise<{ host: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    req.resume();
    if (req.url === '/v2/' && apiRoot === 200) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0' });
      res.end('{}');
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (status === 401) headers['WWW-Authenticate'] = 'Basic realm="test"';
    res.writeHead(status, headers);
    res.end(
      JSON.stringify({
        errors: [
          {
            code: status === 401 ? 'UNAUTHORIZED' : 'UNKNOWN',
            message: status === 401 ? 'authentication required' : 'internal error',
          },
        ],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
