// Verify Architectures: runs each built cell for its platform and records pass / fail / skipped.
import * as vscode from 'vscode';
import { readBuildRecords } from '../../core/sizes/buildRecords';
import { programsFromEnv } from '../../core/sizes/programs';
import { checkLines, type VerifyResult } from '../../core/verify/types';
import { verifyBuilds } from '../../core/verify/runVerify';
import { staticVerify, withStatic } from '../../core/verify/static/staticVerify';
import { writeVerifyResults } from '../../core/verify/verifyStore';
import type { CommandFactory } from '../command';
import { showError, warnUser, type Log } from '../log';
import { findProjects, variantArg } from '../model/projects';
import type { ConfigModel } from '../model/configModel';

function summary(results: VerifyResult[]): string {
  const count = (s: VerifyResult['status']): number => results.filter((r) => r.status === s).length;
  return `${count('pass')} pass, ${count('fail')} fail, ${count('skipped')} skipped`;
}

/** Resolves with the results (also for tests), or undefined when nothing could be verified. */
async function verify(model: ConfigModel, log: Log, variant: string | undefined): Promise<VerifyResult[] | undefined> {
  const projects = await findProjects(model);
  if (!projects.length) {
    void showError(
      log,
      'Verify Architectures needs a folder with a Dockerfile or multiarch.yaml: open one, then build it.',
    );
    return undefined;
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Verifying architectures', cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const all: VerifyResult[] = [];
        for (const { config } of projects) {
          const records = await readBuildRecords(config.root);
          progress.report({ message: config.image });
          const variants = variant ? { variants: [variant] } : {};
          // First pass, nothing run: the ELF machines of every file (an amd64 binary in an arm64 image runs under QEMU).
          progress.report({ message: `${config.image}: reading the images` });
          const cells = await staticVerify(records, {
            root: config.root,
            env: process.env,
            programs: programsFromEnv(process.env),
            ...variants,
          });
          progress.report({ message: `${config.image}: running the checks` });
          const ran = await verifyBuilds(records, {
            env: process.env,
            programs: programsFromEnv(process.env),
            signal: abort.signal,
            checksFor: (name) => config.variants.find((v) => v.name === name)?.verifyChecks,
            ...variants,
          });
          const results = withStatic(ran, cells);
          for (const r of results) {
            const line = `verify ${r.variant} ${r.platform}: ${r.status}\n  ${checkLines(r).join('\n  ')}`;
            if (r.status === 'fail') log.error(`${line}${r.output ? `\n${r.output}` : ''}`);
            else log.info(line);
          }
          if (results.length) await writeVerifyResults(config.root, results, (m) => warnUser(log, m));
          all.push(...results);
        }
        return all;
      } finally {
        sub.dispose();
      }
    },
  );
}

export const verifyArchitectures: CommandFactory = {
  onFailure: 'Check that the engine is running.',
  create:
    ({ model, log }) =>
    async (arg?: unknown) => {
      const results = await verify(model, log, variantArg(arg));
      if (!results) return undefined;
      if (!results.length) {
        void vscode.window.showInformationMessage(
          'Nothing to verify yet: build a variant first (Build All Architectures or a variant’s Build Variant).',
        );
        return results;
      }
      const text = `Architecture check: ${summary(results)}.`;
      const failed = results.some((r) => r.status === 'fail');
      const show = failed ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
      void show(text, 'Show Image Sizes', 'Show Log').then((choice) => {
        if (choice === 'Show Log') log.show(true);
        if (choice === 'Show Image Sizes') void vscode.commands.executeCommand('multiarch.sizes.show');
      });
      return results;
    },
};
