import { RULES } from './registry';
import type { LintDiagnostic, Severity } from './types';

export interface FileDiagnostics {
  file: string;
  diagnostics: LintDiagnostic[];
}

/** Compiler-style lines: `file:line:col: severity rule: message` (1-based). */
export function formatText(results: FileDiagnostics[]): string {
  let out = '';
  for (const { file, diagnostics } of results) {
    for (const d of diagnostics) {
      out += `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.rule}: ${d.message}\n`;
    }
  }
  return out;
}

export function formatJson(results: FileDiagnostics[]): string {
  const rows = results.flatMap(({ file, diagnostics }) =>
    diagnostics.map((d) => ({
      file,
      rule: d.rule,
      severity: d.severity,
      message: d.message,
      range: d.range,
      // `fixable`: `multiarch fix` would change it; suggestions are for a person to choose.
      fixable: !!d.fix,
      suggestions: (d.suggestions ?? []).map((s) => ({ title: s.title })),
      // Only when the finding holds in some cells of the build matrix, not all.
      ...(d.cells ? { cells: d.cells } : {}),
    })),
  );
  return JSON.stringify(rows, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

/** SARIF 2.1.0, the format code-scanning services ingest. Regions are 1-based. */
export function formatSarif(results: FileDiagnostics[], toolVersion: string): string {
  const used = new Set(results.flatMap((r) => r.diagnostics.map((d) => d.rule)));
  const rules = RULES.filter((r) => used.has(r.meta.name)).map((r) => ({
    id: r.meta.name,
    shortDescription: { text: r.meta.description },
    helpUri: r.meta.url,
    defaultConfiguration: { level: SARIF_LEVEL[r.meta.severity] },
  }));
  const extra = [...used].filter((u) => !rules.some((r) => r.id === u)).map((id) => ({ id }));
  const sarif = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'multiarch lint', version: toolVersion, rules: [...rules, ...extra] } },
        results: results.flatMap(({ file, diagnostics }) =>
          diagnostics.map((d) => ({
            ruleId: d.rule,
            level: SARIF_LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file.split('\\').join('/') },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
