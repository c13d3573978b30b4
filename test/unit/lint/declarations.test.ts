import { strict as assert } from 'node:assert';
import { DockerfileParser } from 'dockerfile-ast';
import { readDeclarations, readPlainDeclarations } from '../../../src/core/lint/variables';
import { TextIndex } from '../../../src/core/lint/textIndex';

describe('ARG/ENV declarations', () => {
  it('the plain-text fast path reads what dockerfile-ast reads', () => {
    for (const c of [
      'ARG A',
      'ARG A=1 B',
      'ARG A= B=',
      'ENV K v',
      'ENV K v w  x',
      'ENV A=1 B=2',
      'ENV K',
      'ARG  X=$Y\tZ=1',
      'ENV PATH=$PAHT:/x',
    ]) {
      const text = `FROM x\n${c}\n`;
      const ins = DockerfileParser.parse(text).getInstructions()[1]!;
      const a = new TextIndex(text, '\\').argsOf(ins)!;
      assert.deepEqual(
        readPlainDeclarations(ins.getKeyword(), { text: a.text, start: a.range.start }, '\\'),
        readDeclarations(ins),
        c,
      );
    }
  });

  it('leaves quotes and escapes to dockerfile-ast', () => {
    assert.equal(readPlainDeclarations('ARG', { text: 'A="x y"', start: { line: 0, character: 4 } }, '\\'), undefined);
    assert.equal(readPlainDeclarations('ENV', { text: 'A=x\\ y', start: { line: 0, character: 4 } }, '\\'), undefined);
  });
});
