import { strict as assert } from 'node:assert';
import { parseDockerPushDigest, parseLoaded, pushTag } from '../../../src/core/nodes/publish';
import type { BuildNode } from '../../../src/core/nodes/types';

// Recorded on this machine (2026-11-30) from /usr/bin/docker 20.10.24 and podman 4.3.1.
const dockerPush = `The push refers to repository [127.0.0.1:5000/publish-rec]
224b1bb2b5a6: Preparing
224b1bb2b5a6: Mounted from publish-index-t31622mx37a05w
rec28402: digest: sha256:94478b923f8874cbba79212b7a151dcd05f0466db493da89e3f70cffc7a99a50 size: 527
`;
const podmanLoad = 'Storing signatures\nLoaded image: localhost/publish-rec:rec28402\n';
const dockerLoad = 'Loaded image: 127.0.0.1:5000/publish-rec:rec28402\n';

const node = (name: string): BuildNode => ({
  name,
  engine: 'docker',
  endpoint: 'ssh://builder@arm-box',
  platforms: ['linux/arm64'],
  source: 'config',
});

describe('publish: engine output and push tags', () => {
  it('reads the digest docker push printed', () => {
    assert.equal(
      parseDockerPushDigest(dockerPush),
      'sha256:94478b923f8874cbba79212b7a151dcd05f0466db493da89e3f70cffc7a99a50',
    );
    assert.equal(parseDockerPushDigest('The push refers to repository [x]\nerror'), undefined);
  });

  it('reads the image name load printed, or the ID of an untagged image', () => {
    assert.equal(parseLoaded(podmanLoad), 'localhost/publish-rec:rec28402');
    assert.equal(parseLoaded(dockerLoad), '127.0.0.1:5000/publish-rec:rec28402');
    assert.equal(parseLoaded('Loaded image ID: sha256:abc\n'), 'sha256:abc');
    assert.equal(parseLoaded('Loaded image(s): localhost/a:1,localhost/a:2\n'), 'localhost/a:1');
  });

  it('pushes under a tag of its own, stable per node and image, never the user’s', () => {
    const a = pushTag(node('arm-box'), 'app:arm64', '127.0.0.1:5000/acme/app');
    assert.match(a, /^127\.0\.0\.1:5000\/acme\/app:multiarch-push-[0-9a-f]{12}$/);
    assert.equal(pushTag(node('arm-box'), 'app:arm64', '127.0.0.1:5000/acme/app'), a);
    assert.notEqual(pushTag(node('other'), 'app:arm64', '127.0.0.1:5000/acme/app'), a);
    assert.notEqual(pushTag(node('arm-box'), 'app:amd64', '127.0.0.1:5000/acme/app'), a);
  });
});
