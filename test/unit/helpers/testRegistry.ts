// A distribution-API registry in memory for unit tests of the registry client and what builds on it.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RegistryHosts } from '../../../src/core/registry';

export const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

export type Auth = 'anonymous-token' | 'basic-token' | 'basic';

/**
 * A distribution-API registry written for these tests (not an engine): manifests and blobs in memory, one
 * repository, and one of three auth set-ups. Token scopes are checked as a real token server grants them:
 * a PUT needs `pull,push`.
 */
export class TestRegistry {
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, { bytes: Buffer; type: string }>();
  readonly log: string[] = [];
  readonly puts: Array<{ url: string; type: string; body: string }> = [];
  private server!: Server;
  host = '';

  constructor(
    private readonly auth: Auth,
    private readonly listen = '127.0.0.1',
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((done) => this.server.listen(0, this.listen, done));
    const port = (this.server.address() as { port: number }).port;
    this.host = this.listen === '127.0.0.1' ? `127.0.0.1:${port}` : `[::ffff:7f00:1]:${port}`;
    return this;
  }

  stop(): void {
    this.server.close();
  }

  addBlob(json: unknown): { digest: string; size: number } {
    const bytes = Buffer.from(JSON.stringify(json));
    this.blobs.set(sha(bytes), bytes);
    return { digest: sha(bytes), size: bytes.length };
  }

  addManifest(json: unknown, type: string): { digest: string; size: number } {
    const bytes = Buffer.from(JSON.stringify(json, null, 3));
    this.manifests.set(sha(bytes), { bytes, type });
    return { digest: sha(bytes), size: bytes.length };
  }

  /** One platform's image: a config blob with its platform and a manifest of `type` naming it. */
  addImage(architecture: string, type = OCI_MANIFEST, variant?: string): { digest: string; size: number } {
    const config = this.addBlob({
      architecture,
      os: 'linux',
      ...(variant ? { variant } : {}),
      rootfs: { type: 'layers', diff_ids: [] },
    });
    return this.addManifest(
      {
        schemaVersion: 2,
        mediaType: type,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [],
      },
      type,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url!, 'http://x');
    const authz = req.headers.authorization ?? '-';
    this.log.push(`${req.method} ${url.pathname}${url.search} ${authz}`);
    const send = (status: number, payload: Buffer | string, headers: Record<string, string> = {}) => {
      res.writeHead(status, headers);
      res.end(payload);
    };
    const basicOk = authz === `Basic ${Buffer.from('jane:s3cret').toString('base64')}`;
    if (url.pathname === '/token') {
      if (this.auth === 'basic-token' && !basicOk) return send(401, '{"details":"bad credentials"}');
      return send(200, JSON.stringify({ token: `tok ${url.searchParams.get('scope')}` }));
    }
    const push = req.method === 'PUT';
    const scope = `repository:acme/app:${push ? 'pull,push' : 'pull'}`;
    const granted =
      this.auth === 'basic'
        ? basicOk
        : authz === 'Bearer tok repository:acme/app:pull,push' ||
          (!push && authz === 'Bearer tok repository:acme/app:pull');
    if (!granted) {
      const challenge =
        this.auth === 'basic'
          ? 'Basic realm="test"'
          : `Bearer realm="http://${this.host}/token",service="test-registry",scope="${scope}"`;
      return send(401, JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }), {
        'WWW-Authenticate': challenge,
      });
    }
    const m = /^\/v2\/acme\/app\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    if (!m) return send(404, '{}');
    if (m[1] === 'blobs') {
      const blob = this.blobs.get(m[2]!);
      return blob
        ? send(200, blob, { 'Content-Type': 'application/octet-stream' })
        : send(404, '{"errors":[{"code":"BLOB_UNKNOWN"}]}');
    }
    if (push) {
      const type = req.headers['content-type'] ?? '';
      this.puts.push({ url: url.pathname, type, body: body.toString('utf8') });
      this.manifests.set(m[2]!, { bytes: body, type });
      this.manifests.set(sha(body), { bytes: body, type });
      return send(201, '', { 'Docker-Content-Digest': sha(body) });
    }
    const found = this.manifests.get(m[2]!);
    if (!found) return send(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    return send(200, found.bytes, { 'Content-Type': found.type, 'Docker-Content-Digest': sha(found.bytes) });
  }
}

export const insecureOnly = (creds?: { username: string; password: string }): RegistryHosts => ({
  insecure: () => true,
  credentials: () => creds,
});
