import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '../../..');

interface Step {
  id: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}

describe('Get Started walkthrough', () => {
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    icon?: string;
    contributes: { commands: { command: string }[]; walkthroughs: { steps: Step[] }[] };
  };
  const commands = new Set(manifest.contributes.commands.map((c) => c.command));
  const shipped = readFileSync(join(repo, '.vscodeignore'), 'utf8');

  it('walks config → one cell → Build All → sizes → verify, each through a command the extension has', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.deepEqual(
      walkthrough!.steps.map((s) => s.id),
      ['config', 'buildCell', 'buildAll', 'sizes', 'verify'],
    );
    for (const step of walkthrough!.steps) {
      const linked = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]!);
      assert.ok(linked.length, `${step.id} links no command`);
      for (const id of [...linked, ...(step.completionEvents ?? []).map((e) => e.replace(/^onCommand:/, ''))])
        assert.ok(commands.has(id), `${step.id}: ${id} is not a contributed command`);
      const media = step.media.markdown ?? step.media.image!;
      assert.ok(existsSync(join(repo, media)), `${step.id}: ${media} is missing`);
      assert.match(shipped, /^!media\/walkthrough\/\*\*$/m, 'the walkthrough media ship in the package');
    }
  });

  it('has an icon that ships', () => {
    assert.equal(manifest.icon, 'media/icon.png');
    const png = readFileSync(join(repo, 'media/icon.png'));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.ok(png.readUInt32BE(16) >= 128 && png.readUInt32BE(20) >= 128, 'at least 128×128');
    assert.match(shipped, /^!media\/icon\.png$/m);
  });
});
