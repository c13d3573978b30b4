import * as assert from 'node:assert/strict';
import schema from '../../../schemas/multiarch.schema.json';
import { validateAgainstSchema } from '../../../src/core/config/validate';

// Completion in multiarch.yaml comes from this schema (the yamlValidation contribution; the YAML language
// server offers its properties, enum values and defaultSnippets), and in settings.json from the setting's copy.
const node = (schema as unknown as { definitions: { node: NodeSchema } }).definitions.node;

interface NodeSchema {
  properties: Record<string, { enum?: string[]; enumDescriptions?: string[]; description?: string }>;
  required: string[];
  defaultSnippets: { label: string; body: Record<string, unknown> }[];
}

/** A snippet as inserted when the user accepts every placeholder's default: `${1:arm-box}` → `arm-box`. */
function accepted(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{\d+:([^}]*)\}/g, '$1');
  if (Array.isArray(value)) return value.map(accepted);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, accepted(v)]));
  return value;
}

describe('completion for nodes: in multiarch.yaml', () => {
  it('offers every key of a node with a description, and the two engines with what each means', () => {
    assert.deepEqual(Object.keys(node.properties).sort(), ['endpoint', 'engine', 'name', 'platforms']);
    for (const [key, p] of Object.entries(node.properties)) assert.ok(p.description, `${key} has a description`);
    assert.deepEqual(node.properties.engine!.enum, ['podman', 'docker']);
    assert.equal(node.properties.engine!.enumDescriptions?.length, 2);
  });

  it('offers a whole node per engine, and accepting its defaults gives a node the schema accepts', () => {
    assert.deepEqual(
      node.defaultSnippets.map((s) => s.body.engine),
      ['podman', 'docker'],
    );
    for (const s of node.defaultSnippets) {
      assert.deepEqual(Object.keys(s.body).sort(), [...node.required].sort(), s.label);
      assert.deepEqual(validateAgainstSchema({ nodes: [accepted(s.body)] }), [], s.label);
    }
  });
});
