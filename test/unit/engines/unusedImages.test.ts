import * as assert from 'node:assert/strict';
import type { ImageRecord, StoreContents } from '../../../src/core/engines/podmanStore';
import { replacedListImages, unusedImages } from '../../../src/core/engines/unusedImages';
import { storeImage } from '../helpers/storeImage';

// A store as readStoreFiles reads it: a busybox base pulled as a local list of two unnamed instances (the pull
// step's), a variant built on it twice (list `old` replaced by `new`: the COPY changed for arm64 only), each
// build step an image of its own; layers named after the step that made them. Every image a build commits has
// buildah's temporary commit name in its names-history (seen on every built image of podman 4.3.1 / buildah 1.28
// stores here: `docker.io/library/<64 hex>-tmp:latest`).
const commitName = (id: string) => `docker.io/library/${id.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a')}-tmp:latest`;
const image = (id: string, created: number, more: Partial<ImageRecord> = {}): ImageRecord =>
  storeImage(id, created, { namesHistory: [commitName(id)], ...more });

const layers = [
  { id: 'base-amd' },
  { id: 'base-arm' },
  { id: 'copy-amd', parent: 'base-amd' },
  { id: 'run-amd', parent: 'copy-amd' },
  { id: 'run2-amd', parent: 'copy-amd' },
  { id: 'copy-arm', parent: 'base-arm' },
  { id: 'run-arm', parent: 'copy-arm' },
  { id: 'copy2-arm', parent: 'base-arm' },
  { id: 'run2-arm', parent: 'copy2-arm' },
];

function store(more: Partial<StoreContents> & { extra?: ImageRecord[] } = {}): StoreContents {
  return {
    images: [
      image('base', 100, {
        list: true,
        names: ['127.0.0.1:5000/busybox:1'],
        instances: ['sha256:b-amd', 'sha256:b-arm'],
      }),
      image('b-amd', 50, { layer: 'base-amd', namesHistory: ['127.0.0.1:5000/busybox:1'] }),
      image('b-arm', 50, { layer: 'base-arm', namesHistory: ['127.0.0.1:5000/busybox:1'] }),
      image('step-copy-amd', 1000, { layer: 'copy-amd' }),
      image('amd', 1001, { layer: 'run-amd' }),
      image('step-copy-arm', 1000, { layer: 'copy-arm' }),
      image('arm', 1002, { layer: 'run-arm' }),
      image('old', 1003, {
        list: true,
        namesHistory: ['localhost/app:v1-minimal'],
        instances: ['sha256:amd', 'sha256:arm'],
      }),
      image('amd2', 2001, { layer: 'run2-amd' }),
      image('step-copy2-arm', 2000, { layer: 'copy2-arm' }),
      image('arm2', 2002, { layer: 'run2-arm' }),
      image('new', 2003, {
        list: true,
        names: ['localhost/app:v1-minimal'],
        instances: ['sha256:amd2', 'sha256:arm2'],
      }),
      ...(more.extra ?? []),
    ].map((i) => more.images?.find((m) => m.id === i.id) ?? i),
    layers: more.layers ?? layers,
    containers: more.containers ?? [],
  };
}

describe('replacedListImages: what a replaced manifest list leaves in a podman store', () => {
  it('takes its instances and the build steps only they used, each before its parent; keeps the steps the new list shares and the base', () => {
    assert.deepEqual(replacedListImages(store(), ['old']), ['arm', 'amd', 'step-copy-arm']);
  });

  it('keeps an instance the user tagged, or once tagged, and the steps under it', () => {
    const tagged = image('arm', 1002, { layer: 'run-arm', names: ['localhost/mine:kept'] });
    assert.deepEqual(replacedListImages(store({ images: [tagged] }), ['old']), ['amd']);
    const untagged = image('arm', 1002, { layer: 'run-arm', namesHistory: ['localhost/mine:kept', commitName('arm')] });
    assert.deepEqual(replacedListImages(store({ images: [untagged] }), ['old']), ['amd']);
  });

  it('does not count the names a build gives for a moment (buildah commit, the replace-on-success name)', () => {
    const staged = image('arm', 1002, {
      layer: 'run-arm',
      namesHistory: ['localhost/app:multiarch-tmp-0123456789ab', commitName('arm')],
    });
    assert.deepEqual(replacedListImages(store({ images: [staged] }), ['old']), ['arm', 'amd', 'step-copy-arm']);
  });

  it('keeps an instance another list names, named or not, unless that list goes too', () => {
    const other = image('other', 1500, { list: true, instances: ['sha256:arm'] });
    assert.deepEqual(replacedListImages(store({ extra: [other] }), ['old']), ['amd']);
    assert.deepEqual(replacedListImages(store({ extra: [other] }), ['old', 'other']), ['arm', 'amd', 'step-copy-arm']);
  });

  it('keeps an instance a container uses, and one something was built on (a layer of its own or none)', () => {
    assert.deepEqual(replacedListImages(store({ containers: [{ id: 'c', names: ['run'], image: 'arm' }] }), ['old']), [
      'amd',
    ]);
    const child = image('child', 3000, { layer: 'child-arm' });
    const childLayers = [...layers, { id: 'child-arm', parent: 'run-arm' }];
    assert.deepEqual(replacedListImages(store({ extra: [child], layers: childLayers }), ['old']), ['amd']);
    const label = image('label-only', 3000, { layer: 'run-arm' });
    assert.deepEqual(replacedListImages(store({ extra: [label] }), ['old']), ['amd']);
  });

  it('takes a step without a layer of its own before the instance (same top layer, made earlier)', () => {
    const env = image('step-env-arm', 1000.5, { layer: 'run-arm' });
    assert.deepEqual(replacedListImages(store({ extra: [env] }), ['old']), [
      'arm',
      'amd',
      'step-env-arm',
      'step-copy-arm',
    ]);
  });

  it('takes nothing for a list not removed, or one whose manifest could not be read', () => {
    assert.deepEqual(replacedListImages(store(), []), []);
    const unread = image('old', 1003, { list: true, instances: [] });
    assert.deepEqual(replacedListImages(store({ images: [unread] }), ['old']), []);
  });
});

describe('unusedImages', () => {
  it('never gives a list, and keeps an instance of a list that stays', () => {
    assert.deepEqual(unusedImages(store(), ['amd']), []);
    assert.deepEqual(unusedImages(store(), ['old', 'new', 'arm2', 'amd'], { goneLists: new Set(['old']) }), ['amd']);
  });
});
