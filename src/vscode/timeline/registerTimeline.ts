// Build Timeline: the command (palette, Variants title, variant and cell menus), the hidden command that
// opens a step's Dockerfile line, the panel serializer, and what the panel shows for the API.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { PanelSlot, type PanelApi } from '../webview/panelHost';
import { showError } from '../log';
import type { ConfigModel } from '../model/configModel';
import { variantArg } from '../sizes/projects';
import { TIMELINE_VIEW_TYPE, type TimelineState, type TimelineStep } from '../../shared/timelineProtocol';
import { TimelinePanel, type PanelEvents } from './timelinePanel';
import { TimelineSource } from './timelineSource';

/** The Build Timeline panel as other extensions (and the integration tests) see it. */
export type TimelineApi = PanelApi<TimelineState>;

export interface StepKey {
  variant: string;
  platform: string;
  position: number;
}

export function registerTimeline(
  context: vscode.ExtensionContext,
  model: ConfigModel,
  onDidFinishBuild: vscode.Event<unknown>,
  log: Log,
): TimelineApi {
  const source = new TimelineSource(model, onDidFinishBuild, log);
  context.subscriptions.push(source);
  const slot = new PanelSlot<TimelineState, TimelinePanel>(context);

  const openStep = async (key: unknown): Promise<vscode.TextEditor | undefined> => {
    const found = stepOf(slot.current?.lastState, key);
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
      void showError(
        log,
        `Could not open ${dockerfile}: ${err instanceof Error ? err.message : String(err)}. Check that the file still exists.`,
      );
      return undefined;
    }
  };
  const events: PanelEvents = { ...slot.events, openStep };

  context.subscriptions.push(
    vscode.commands.registerCommand('multiarch.timeline.show', async (arg?: unknown) => {
      try {
        const panel =
          slot.current ?? slot.adopt((done) => TimelinePanel.create(context.extensionUri, source, log, events, done));
        const variant = variantArg(arg);
        const platform = typeof arg === 'object' && arg !== null ? (arg as { platform?: unknown }).platform : undefined;
        await panel.show(variant ? { variant, ...(typeof platform === 'string' ? { platform } : {}) } : undefined);
      } catch (err) {
        void showError(log, `Could not open the Build Timeline: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
    // What selecting a step in the webview does; a command so that it can be run on a step of the open panel.
    vscode.commands.registerCommand('multiarch.timeline.openStep', openStep),
    slot.registerSerializer(
      TIMELINE_VIEW_TYPE,
      (panel, done) => new TimelinePanel(panel, context.extensionUri, source, log, events, done),
    ),
  );
  return slot.api;
}

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
