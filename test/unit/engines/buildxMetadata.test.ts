import { strict as assert } from 'node:assert';
import { pushedDigests } from '../../../src/core/engines/buildxMetadata';
import { fixture } from './fixture';

describe('buildx metadata file (recorded buildx 0.10.5 pushes)', () => {
  it('a bake names each target’s pushed index under its tag', () => {
    const digests = pushedDigests(fixture('buildx-0.10-metadata-bake-push.txt'));
    assert.deepEqual(Object.keys(digests).sort(), [
      '127.0.0.1:5000/bxrec-meta:rec-kafka',
      '127.0.0.1:5000/bxrec-meta:rec-minimal',
      '127.0.0.1:5000/bxrec-meta:rec-redis',
      '127.0.0.1:5000/bxrec-meta:rec-sqs',
    ]);
    assert.equal(
      digests['127.0.0.1:5000/bxrec-meta:rec-kafka'],
      'sha256:604b9bededc807ef26dff5018ae6975a4038e09600387995c87cae3b04ede59d',
    );
  });

  it('a one-platform build names what it pushed under its tag', () => {
    assert.deepEqual(pushedDigests(fixture('buildx-0.10-metadata-push-one-platform.txt')), {
      '127.0.0.1:5000/bxrec-meta:rec-kafka': 'sha256:c110b56cb8ecba3779b47aee62fb8f51ac930a1d9157936723daac6bdd027304',
    });
  });

  it('every name of a comma-separated image.name; nothing from an unreadable file or a missing digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.deepEqual(
      pushedDigests(JSON.stringify({ 'containerimage.digest': digest, 'image.name': 'r/a:1,r/a:latest' })),
      {
        'r/a:1': digest,
        'r/a:latest': digest,
      },
    );
    assert.deepEqual(pushedDigests('{not json'), {});
    assert.deepEqual(pushedDigests(JSON.stringify({ 'image.name': 'r/a:1' })), {});
  });
});
