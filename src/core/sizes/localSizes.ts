// On-disk size from the engine's local store: `podman image inspect` / `docker image inspect` JSON.
import type { JSONSchemaType } from 'ajv';
import { compileSchema } from '../schema';
import { tryParseReference } from '../reference';

export type LocalEngine = 'podman' | 'docker';

export interface LocalImage {
  id: string;
  /** Unpacked size in the local store (bytes). */
  size: number;
  layers: number;
  created?: string;
  platform: string;
  digest?: string;
}

interface InspectEntry {
  Id: string;
  Size: number;
  Created?: string;
  Architecture?: string;
  Os?: string;
  Variant?: string;
  Digest?: string;
  RepoDigests?: string[];
  RootFS?: { Layers?: string[] };
}

const schema: JSONSchemaType<InspectEntry[]> = {
  type: 'array',
  items: {
    type: 'object',
    required: ['Id', 'Size'],
    properties: {
      Id: { type: 'string' },
      Size: { type: 'integer', minimum: 0 },
      Created: { type: 'string', nullable: true },
      Architecture: { type: 'string', nullable: true },
      Os: { type: 'string', nullable: true },
      Variant: { type: 'string', nullable: true },
      Digest: { type: 'string', nullable: true },
      RepoDigests: { type: 'array', nullable: true, items: { type: 'string' } },
      RootFS: {
        type: 'object',
        nullable: true,
        required: [],
        properties: { Layers: { type: 'array', nullable: true, items: { type: 'string' } } },
      },
    },
  },
};

const validate = compileSchema<InspectEntry[]>(schema);

export function inspectArgv(engine: LocalEngine, image: string, program: string = engine): string[] {
  return [program, 'image', 'inspect', image];
}

/** Parses the JSON array both engines print; one entry per inspected image. */
export function parseImageInspect(text: string): LocalImage[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch {
    throw new Error('image inspect did not print JSON');
  }
  if (!validate(doc)) {
    const e = validate.errors?.[0];
    throw new Error(`unexpected image inspect output: ${e?.instancePath || '/'} ${e?.message ?? ''}`);
  }
  return doc.map((e) => {
    const platform = [e.Os ?? 'linux', e.Architecture ?? 'unknown', ...(e.Variant ? [e.Variant] : [])].join('/');
    const digest = e.Digest ?? (e.RepoDigests?.[0] ? tryParseReference(e.RepoDigests[0])?.digest : undefined);
    return {
      id: e.Id,
      size: e.Size,
      layers: e.RootFS?.Layers?.length ?? 0,
      platform,
      ...(e.Created ? { created: e.Created } : {}),
      ...(digest ? { digest } : {}),
    };
  });
}
