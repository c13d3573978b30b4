import * as vscode from 'vscode';
import { messageOf } from '../../core/errors';
import { timelineFocusOf, type TimelineState, type TimelineStep } from '../../shared/timelineProtocol';
import type { CommandFactory } from '../command';
import { showError } from '../log';

interface StepKey {
  variant: string;
  platform: string;
  position: number;
}

/** Show Build Timeline: the palette, the Variants title, a variant's or a cell's menu, a Dockerfile line (then focused on it). */
export const showTimeline: CommandFactory = {
  create:
    ({ timeline }) =>
    async (arg?: unknown) => {
      // A variant, a tree row, or a step from a Dockerfile line's lens or hover: checked, anything else focuses nothing.
      await (await timeline.open()).show(timelineFocusOf(arg));
    },
};

/** Opens a step's Dockerfile line beside the panel: what selecting a step in the webview does. */
export const openTimelineStep: CommandFactory = {
  create:
    ({ timeline, log }) =>
    async (key: unknown): Promise<vscode.TextEditor | undefined> => {
      const found = stepOf(timeline.current()?.lastState, key);
      if (!found) {
        void showError(log, 'That step is no longer in the Build Timeline: refresh it and select the step again.');
        return undefined;
      }
      const { dockerfile, step } = found;
      if (!dockerfile) return undefined;
      try {
        // No line when the instruction was not found (the Dockerfile changed since the build): open at the top.
        const at = new vscode.Position(step.line ?? 0, 0);
        return await vscode.window.showTextDocument(vscode.Uri.file(dockerfile), {
          selection: new vscode.Range(at, at),
          viewColumn: vscode.ViewColumn.Beside,
        });
      } catch (err) {
        void showError(log, `Could not open ${dockerfile}: ${messageOf(err)}. Check that the file still exists.`);
        return undefined;
      }
    },
};

/** The step a webview message names, looked up in what the panel posted (never a path from the webview). */
function stepOf(
  state: TimelineState | undefined,
  key: unknown,
): { dockerfile?: string; step: TimelineStep } | undefined {
  if (typeof key !== 'object' || key === null) return undefined;
  const { variant, platform, position } = key as Partial<StepKey>;
  const v = state?.variants.find((x) => x.variant === variant);
  const step = v?.cells.find((c) => c.platform === platform)?.steps.find((s) => s.position === position);
  return v && step ? { ...(v.dockerfile ? { dockerfile: v.dockerfile } : {}), step } : undefined;
}
