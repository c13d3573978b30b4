import { buildkitRule, type Rule } from '../rule';

export const exposeInvalidFormat: Rule = {
  meta: buildkitRule(
    'ExposeInvalidFormat',
    'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release',
  ),
  check(model, report) {
    model.ofKind('EXPOSE').forEach((ins) => {
      if (model.kw(ins) !== 'EXPOSE') return;
      for (const arg of model.args(ins)) {
        const port = arg.getValue();
        if (!port.includes(':') || port.includes('$')) continue;
        const r = arg.getRange();
        // The container port is what follows the last ':' (host-ip:host-port:container-port).
        const container = port.slice(port.lastIndexOf(':') + 1);
        const simple =
          r.start.line === r.end.line &&
          r.end.character - r.start.character === port.length &&
          /^\d+(-\d+)?(\/\w+)?$/.test(container);
        report(
          r,
          `EXPOSE instruction should not define an IP address or host-port mapping, found '${port}'`,
          simple
            ? { title: `Expose only the container port ${container}`, edits: [{ range: r, newText: container }] }
            : undefined,
        );
      }
    });
  },
};
