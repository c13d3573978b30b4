// The parts of an image config the layer readers need: platform and the history that names each layer.
import type { JSONSchemaType } from 'ajv';
import { compileSchema } from '../schema';
import { platformString } from '../sizes/mediaTypes';

interface HistoryEntry {
  created_by?: string;
  empty_layer?: boolean;
  comment?: string;
}

interface ConfigDoc {
  architecture?: string;
  os?: string;
  variant?: string;
  history?: HistoryEntry[];
  config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null } | null;
}

const strings = { type: 'array', nullable: true, items: { type: 'string' } } as const;

const schema: JSONSchemaType<ConfigDoc> = {
  type: 'object',
  required: [],
  properties: {
    architecture: { type: 'string', nullable: true },
    os: { type: 'string', nullable: true },
    variant: { type: 'string', nullable: true },
    history: {
      type: 'array',
      nullable: true,
      items: {
        type: 'object',
        required: [],
        properties: {
          created_by: { type: 'string', nullable: true },
          empty_layer: { type: 'boolean', nullable: true },
          comment: { type: 'string', nullable: true },
        },
      },
    },
    config: {
      type: 'object',
      nullable: true,
      required: [],
      properties: { Entrypoint: strings, Cmd: strings, Env: strings },
    },
  },
};

const validate = compileSchema<ConfigDoc>(schema);

/** What the image runs when started: the static check resolves its program. */
export interface RunConfig {
  entrypoint: string[];
  cmd: string[];
  env: string[];
}

export interface ImageConfigInfo {
  platform: string;
  run: RunConfig;
  /** The instruction behind each layer, in layer order (history entries that are not `empty_layer`). */
  layerCommands: string[];
}

export function readImageConfig(text: string, what: string): ImageConfigInfo {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${what} is not JSON`);
  }
  if (!validate(doc))
    throw new Error(
      `${what} is not an image config: ${validate.errors?.[0]?.instancePath || '/'} ${validate.errors?.[0]?.message ?? ''}`,
    );
  return {
    platform: platformString(doc),
    run: { entrypoint: doc.config?.Entrypoint ?? [], cmd: doc.config?.Cmd ?? [], env: doc.config?.Env ?? [] },
    layerCommands: (doc.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by ?? h.comment ?? ''),
  };
}
