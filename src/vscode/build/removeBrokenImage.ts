import * as vscode from 'vscode';
import { engineQuery } from '../../core/build/engineQuery';
import { brokenManifestLists, describeBroken, projectTags, removeBrokenImage } from '../../core/build/storeHealth';
import { programsFromEnv } from '../../core/engines/programs';
import { sentence } from './userError';
import type { CommandFactory } from '../command';
import { showError } from '../log';

/**
 * Remove Broken Image: drops podman manifest lists of this workspace's projects that point at images no
 * longer in the store. From the build pre-flight's error it gets the references to remove (the user
 * clicked the fix); from the palette it checks every project first and asks before removing.
 */
export const removeBrokenImageCommand: CommandFactory = {
  trust: 'Removing images runs podman',
  create:
    ({ model, log }) =>
    async (refs?: string[]) => {
      const program = programsFromEnv(process.env).podman;
      const run = engineQuery(process.env);
      let targets = Array.isArray(refs) ? refs.filter((r): r is string => typeof r === 'string') : [];
      if (!targets.length) {
        await model.reload();
        const broken = await brokenManifestLists(
          program,
          [...new Set(model.configs.flatMap(({ config }) => projectTags(config)))],
          run,
        );
        if (!broken.length) {
          void vscode.window.showInformationMessage(
            'No broken podman images: every manifest list of this workspace points at images in the store.',
          );
          return [];
        }
        const choice = await vscode.window.showWarningMessage(
          `${sentence(describeBroken(broken))}.`,
          { modal: true, detail: 'Removing the list keeps its other platform images; the next build makes a new one.' },
          'Remove Broken Image',
        );
        if (choice !== 'Remove Broken Image') return [];
        targets = broken.map((b) => b.ref);
      }
      const removed: string[] = [];
      for (const ref of targets) {
        const r = await removeBrokenImage(program, ref, run);
        log.info(`remove broken image ${ref}: ${r.message}`);
        if (r.ok) removed.push(ref);
        else
          void showError(log, `Could not remove ${ref}: ${r.message}. Run "podman manifest rm ${ref}" in a terminal.`);
      }
      if (removed.length)
        void vscode.window.showInformationMessage(
          `Removed the broken image ${removed.join(', ')}. Build again to make a new one.`,
        );
      return removed;
    },
};
