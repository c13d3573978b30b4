import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseReference, registryApiHost } from '../reference';

/** The registry host of an image reference: `127.0.0.1:5000/app:v1` → `127.0.0.1:5000`; Docker Hub otherwise. */
export function registryHost(ref: string): string {
  return registryApiHost(parseReference(ref));
}

/**
 * Whether a registry answers its API root (`/v2/`) within the timeout. Any HTTP answer counts, 401 included:
 * the point is to fail a push in seconds when nothing listens, not to check credentials.
 */
export async function registryReachable(
  host: string,
  timeoutMs = 2000,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const tryScheme = (secure: boolean) =>
    new Promise<{ ok: true } | { ok: false; reason: string }>((resolve) => {
      const req = (secure ? httpsRequest : httpRequest)(
        `${secure ? 'https' : 'http'}://${host}/v2/`,
        { method: 'GET', timeout: timeoutMs, rejectUnauthorized: false },
        (res) => {
          res.resume();
          resolve({ ok: true });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (e) => resolve({ ok: false, reason: e.message }));
      req.end();
    });
  const secure = await tryScheme(true);
  if (secure.ok) return secure;
  const plain = await tryScheme(false);
  return plain.ok ? plain : { ok: false, reason: secure.reason };
}
