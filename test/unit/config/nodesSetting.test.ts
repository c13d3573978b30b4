import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import schema from '../../../schemas/multiarch.schema.json';

type Json = { [key: string]: unknown };

/** `{$ref: '#/definitions/x', ...more}` replaced by the definition itself (its own keys overridden by `more`), all the way down. */
function inline(value: unknown, definitions: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => inline(v, definitions));
  if (value === null || typeof value !== 'object') return value;
  const { $ref, ...rest } = value as Json;
  const base =
    typeof $ref === 'string' ? (inline(definitions[$ref.replace('#/definitions/', '')], definitions) as Json) : {};
  return { ...base, ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inline(v, definitions)])) };
}

describe('the multiarch.nodes setting', () => {
  // package.json cannot point at the config schema, so it carries a copy: this keeps the two one shape.
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, Json> } };
  };
  const setting = manifest.contributes.configuration.properties['multiarch.nodes']!;

  it("has exactly the node shape of multiarch.yaml's nodes: (schemas/multiarch.schema.json)", () => {
    const definitions = (schema as unknown as { definitions: Record<string, unknown> }).definitions;
    assert.deepEqual(setting.items, inline(definitions.node, definitions));
  });

  it('is machine-scoped: nodes of this machine are never read from a workspace', () => {
    assert.equal(setting.scope, 'machine');
    assert.equal(setting.type, 'array');
  });
});
