import { buildkitRule, type Rule } from '../rule';

export const exposeProtoCasing: Rule = {
  meta: buildkitRule('ExposeProtoCasing', 'Protocol in EXPOSE instruction should be lowercase'),
  check(model, report) {
    model.ofKind('EXPOSE').forEach((ins) => {
      if (model.kw(ins) !== 'EXPOSE') return;
      for (const arg of model.args(ins)) {
        const port = arg.getValue();
        const slash = port.lastIndexOf('/');
        if (slash < 0 || port.includes('$')) continue;
        const proto = port.slice(slash + 1);
        if (proto === proto.toLowerCase()) continue;
        const r = arg.getRange();
        // Arguments never span lines unless escaped; only fix the simple, one-line case.
        if (r.start.line !== r.end.line || r.end.character - r.start.character !== port.length) {
          report(r, `Defined protocol '${port}' in EXPOSE instruction should be lowercase`);
          continue;
        }
        const protoRange = { start: { line: r.start.line, character: r.start.character + slash + 1 }, end: r.end };
        report(protoRange, `Defined protocol '${port}' in EXPOSE instruction should be lowercase`, {
          title: `Change '${proto}' to '${proto.toLowerCase()}'`,
          edits: [{ range: protoRange, newText: proto.toLowerCase() }],
        });
      }
    });
  },
};
