import * as assert from 'node:assert/strict';
import type { StoreContents as PodmanStore } from '../../../src/core/engines/podmanStore';
import { madeSince } from '../../engines/cleanup';
import { storeImage } from '../helpers/storeImage';

// A store as src/core/engines/podmanStore.ts readStoreFiles reads it; layers named after the step that made them.
const image = storeImage;

const layers = [
  { id: 'base' },
  { id: 'deps', parent: 'base' },
  { id: 'app', parent: 'deps' },
  { id: 'other', parent: 'base' },
  { id: 'kept-top', parent: 'deps' },
];

describe('madeSince: what a test run left in a podman store', () => {
  const mark = { at: 1000, ids: new Set(['old']) };

  it('takes the unnamed images made since the mark, newest first, and never one the store held before', () => {
    const store: PodmanStore = {
      images: [
        image('old', 2000, { layer: 'base' }),
        image('before-mark', 999, { layer: 'other' }),
        image('deps-step', 1100, { layer: 'deps' }),
        image('app-step', 1200, { layer: 'app' }),
        image('scratch-arg', 1050),
      ],
      layers,
      containers: [],
    };
    assert.deepEqual(madeSince(mark, store), { lists: [], images: ['app-step', 'deps-step', 'scratch-arg'] });
  });

  it('keeps what is named, a named list and its instances, what a container uses, and the chain under them', () => {
    const store: PodmanStore = {
      images: [
        image('named', 1300, { layer: 'kept-top', names: ['localhost/app:v1'] }),
        image('deps-step', 1100, { layer: 'deps' }),
        image('deps-env', 1150, { layer: 'deps' }),
        image('list', 1400, { list: true, names: ['localhost/app:multi'], instances: ['sha256:pulled-list'] }),
        image('instance', 1350, { layer: 'other', digests: ['sha256:own', 'sha256:pulled-list'] }),
        image('in-use', 1500, { layer: 'app' }),
        image('loose', 1600),
      ],
      layers,
      containers: [{ id: 'c1', names: ['working'], image: 'in-use' }],
    };
    assert.deepEqual(madeSince(mark, store), { lists: [], images: ['loose'] });
  });

  it('takes images made on the layers of an older kept image (steps of a later build, with or without a layer of their own): no parents of it', () => {
    const store: PodmanStore = {
      images: [
        image('old', 900, { layer: 'deps', names: ['127.0.0.1:5000/base:1'] }),
        image('stage-tmp', 1100, { layer: 'deps', namesHistory: [`docker.io/library/${'a'.repeat(64)}-tmp:latest`] }),
        image('deps-step', 1050, { layer: 'base' }),
      ],
      layers,
      containers: [],
    };
    assert.deepEqual(madeSince({ at: 1000, ids: new Set(['old']) }, store), {
      lists: [],
      images: ['stage-tmp', 'deps-step'],
    });
  });

  it('gives an unnamed list to remove as a list, and its instances as images', () => {
    const store: PodmanStore = {
      images: [
        image('old-list', 1400, { list: true, namesHistory: ['localhost/app:t1-minimal'], instances: ['sha256:amd'] }),
        image('amd', 1300, { layer: 'app' }),
      ],
      layers,
      containers: [],
    };
    assert.deepEqual(madeSince(mark, store), { lists: ['old-list'], images: ['amd'] });
  });
});
