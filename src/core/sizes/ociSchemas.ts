// OCI image-spec / Docker distribution documents, validated with a schema instead of ad-hoc property access.
import type { JSONSchemaType, ValidateFunction } from 'ajv';
import { compileSchema } from '../schema';
import { messageOf } from '../errors';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageConfig {
  created?: string;
  architecture?: string;
  os?: string;
  variant?: string;
}

const descriptor: JSONSchemaType<Descriptor> = {
  type: 'object',
  required: ['mediaType', 'digest', 'size'],
  properties: {
    mediaType: { type: 'string' },
    digest: { type: 'string', pattern: '^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$' },
    size: { type: 'integer', minimum: 0 },
    platform: {
      type: 'object',
      nullable: true,
      required: ['architecture', 'os'],
      properties: {
        architecture: { type: 'string' },
        os: { type: 'string' },
        variant: { type: 'string', nullable: true },
      },
    },
    annotations: { type: 'object', nullable: true, required: [], additionalProperties: { type: 'string' } },
  },
};

const indexSchema: JSONSchemaType<ImageIndex> = {
  type: 'object',
  required: ['schemaVersion', 'manifests'],
  properties: {
    schemaVersion: { type: 'integer' },
    mediaType: { type: 'string', nullable: true },
    manifests: { type: 'array', items: descriptor },
  },
};

const manifestSchema: JSONSchemaType<ImageManifest> = {
  type: 'object',
  required: ['schemaVersion', 'config', 'layers'],
  properties: {
    schemaVersion: { type: 'integer' },
    mediaType: { type: 'string', nullable: true },
    config: descriptor,
    layers: { type: 'array', items: descriptor },
  },
};

const configSchema: JSONSchemaType<ImageConfig> = {
  type: 'object',
  required: [],
  properties: {
    created: { type: 'string', nullable: true },
    architecture: { type: 'string', nullable: true },
    os: { type: 'string', nullable: true },
    variant: { type: 'string', nullable: true },
  },
};

const validators = {
  index: compileSchema<ImageIndex>(indexSchema),
  manifest: compileSchema<ImageManifest>(manifestSchema),
  config: compileSchema<ImageConfig>(configSchema),
};

function check<T>(validate: ValidateFunction<T>, value: unknown, what: string): T {
  if (validate(value)) return value;
  const e = validate.errors?.[0];
  throw new Error(
    `${what} is not a valid document: ${e ? `${e.instancePath || '/'} ${e.message ?? ''}` : 'unknown shape'}`,
  );
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${what} is not JSON: ${messageOf(err)}`);
  }
}

/** True for an image index / manifest list (it has `manifests`), false for a single-image manifest. */
export function isIndexDocument(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && Array.isArray((doc as { manifests?: unknown }).manifests);
}

export const parseIndex = (text: string, what: string): ImageIndex =>
  check(validators.index, parseJson(text, what), what);
export const parseManifest = (text: string, what: string): ImageManifest =>
  check(validators.manifest, parseJson(text, what), what);
export const parseConfig = (text: string, what: string): ImageConfig =>
  check(validators.config, parseJson(text, what), what);
export const toIndex = (doc: unknown, what: string): ImageIndex => check(validators.index, doc, what);
export const toManifest = (doc: unknown, what: string): ImageManifest => check(validators.manifest, doc, what);
export { parseJson };
