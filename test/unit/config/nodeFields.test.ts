import * as assert from 'node:assert/strict';
import { endpointProblem, nodeNameProblem } from '../../../src/core/config/nodeFields';
import { validateAgainstSchema } from '../../../src/core/config/validate';

const schemaAccepts = (node: object) =>
  validateAgainstSchema({
    nodes: [{ name: 'n', engine: 'podman', endpoint: 'n', platforms: ['linux/arm64'], ...node }],
  }).length === 0;

describe('build node fields as typed', () => {
  it('accepts a new name and refuses empty, "local", a bad pattern and a taken one, saying what to do', () => {
    assert.equal(nodeNameProblem('arm-box', ['pi']), undefined);
    assert.match(nodeNameProblem('', [])!, /Give the node a name/);
    assert.match(nodeNameProblem('local', [])!, /this machine; pick another/);
    assert.match(nodeNameProblem('arm box', [])!, /letters, digits/);
    assert.match(nodeNameProblem('-x', [])!, /starting with a letter/);
    assert.match(nodeNameProblem('pi', ['pi'])!, /already exists/);
  });

  it('accepts the endpoint forms podman and docker take', () => {
    for (const e of [
      'tcp://127.0.0.2:8888',
      'ssh://builder@arm-box/run/podman/podman.sock',
      'ssh://builder@arm-box:2222/run/podman/podman.sock',
      'unix:///run/podman/podman.sock',
      'arm-box',
    ]) {
      assert.equal(endpointProblem('podman', e), undefined, e);
    }
    for (const e of ['tcp://10.0.0.7:2376', 'ssh://builder@arm-box', 'unix:///var/run/docker.sock', 'my-context']) {
      assert.equal(endpointProblem('docker', e), undefined, e);
    }
  });

  it('refuses malformed endpoints with an example of the right form', () => {
    assert.match(endpointProblem('podman', '')!, /Enter the podman endpoint, e\.g\. ssh:\/\//);
    assert.match(endpointProblem('podman', 'tcp://arm box:1')!, /no spaces/);
    assert.match(endpointProblem('podman', 'tcp://arm_box:8888')!, /host and a port, e\.g\. tcp:\/\/arm-box:8888/);
    assert.match(endpointProblem('docker', 'unix://sock')!, /three slashes, e\.g\. unix:\/\/\/var\/run\/docker\.sock/);
    assert.match(endpointProblem('docker', 'http://arm-box:2376')!, /tcp:\/\/, ssh:\/\/ or unix:\/\/, not http:\/\//);
    assert.match(endpointProblem('podman', 'ssh://')!, /\[user@\]host/);
    assert.match(endpointProblem('podman', '@@')!, /podman system connection/);
  });

  it('agrees with the config schema on every value above: the schema is the rule, these are its explanations', () => {
    for (const name of ['arm-box', 'local', 'arm box', '-x', 'a'.repeat(64), 'a'.repeat(65)]) {
      assert.equal(nodeNameProblem(name, []) === undefined, schemaAccepts({ name }), name);
    }
    for (const endpoint of [
      'tcp://127.0.0.2:8888',
      'tcp://arm_box:8888',
      'unix://sock',
      'http://arm-box:2376',
      'ssh://',
      '@@',
      'arm-box',
      'ssh://builder@arm-box',
    ]) {
      assert.equal(endpointProblem('podman', endpoint) === undefined, schemaAccepts({ endpoint }), endpoint);
    }
  });
});
