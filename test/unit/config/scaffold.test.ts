import * as assert from 'node:assert/strict';
import { parseConfig } from '../../../src/core/config/loadConfig';
import { dockerfileArgs, scaffoldConfig } from '../../../src/core/config/scaffold';
import { imageNameFor } from '../../../src/core/config/discover';

const dockerfile = `ARG PYTHON_VERSION=3.11
FROM python:\${PYTHON_VERSION}-slim AS base
ARG TARGETARCH
ARG QUEUE_BACKEND=minimal
ARG REDIS_VERSION=5.0.1
ARG TOKEN
`;

describe('scaffolding multiarch.yaml from a Dockerfile', () => {
  it('lists the ARGs without BuildKit platform args', () => {
    assert.deepEqual(
      dockerfileArgs(dockerfile).map((a) => a.name),
      ['PYTHON_VERSION', 'QUEUE_BACKEND', 'REDIS_VERSION', 'TOKEN'],
    );
  });

  it('guesses the variant arg and produces a config that validates', () => {
    const text = scaffoldConfig({
      dockerfileText: dockerfile,
      dockerfileName: 'Dockerfile',
      image: 'svc',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    assert.match(text, /^variantArg: QUEUE_BACKEND$/m);
    const r = parseConfig(text, '/p/multiarch.yaml');
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(
      r.config.variants.map((v) => v.name),
      ['minimal'],
    );
    assert.equal(r.config.variants[0]!.args.REDIS_VERSION, '5.0.1');
    assert.equal('TOKEN' in r.config.variants[0]!.args, false, 'args without a default are not invented');
  });

  it('falls back to a default variant when no ARG looks like a variant selector', () => {
    const text = scaffoldConfig({
      dockerfileText: 'FROM scratch\n',
      dockerfileName: 'Containerfile',
      image: 'x',
      platforms: ['linux/amd64'],
    });
    const r = parseConfig(text, '/p/multiarch.yaml');
    assert.ok(r.ok);
    assert.equal(r.config.variants[0]!.name, 'default');
    assert.equal(r.config.variants[0]!.dockerfile, '/p/Containerfile');
  });

  it('derives a valid repository name from a folder name', () => {
    assert.equal(imageNameFor('/home/me/My Service!'), 'my-service');
    assert.equal(imageNameFor('/__'), 'app');
  });
});
