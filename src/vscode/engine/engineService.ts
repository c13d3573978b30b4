import * as vscode from 'vscode';
import type { Choice, Detection } from '../../core/engines/detect';
import type { EngineSetting } from '../../core/engines/programs';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { engineSetting } from '../settings';

/** Which engine builds run on: the `multiarch.engine` setting, resolved by detection (cached until refreshed). */
export class EngineService extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private detection: Promise<Detection> | undefined;
  private lastChoice: Choice | undefined;

  constructor(private readonly log: Log) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('multiarch.engine')) this.refresh();
      }),
    );
  }

  get setting(): EngineSetting {
    return engineSetting();
  }

  /** The last choice made, for the tree's engine row (undefined until the first detection finishes). */
  get current(): Choice | undefined {
    return this.lastChoice;
  }

  refresh(): void {
    this.detection = undefined;
    this.lastChoice = undefined;
    this.changed.fire();
  }

  detect(): Promise<Detection> {
    // The detector and its output parsers load on the first detection, not at activation.
    this.detection ??= import('../../core/engines/detect').then(async ({ detectEngines }) => {
      const d = await detectEngines({ env: process.env });
      this.log.info(
        `engines: buildx ${d.buildx.available ? d.buildx.version : `no (${d.buildx.problem})`}; podman ${d.podman.available ? d.podman.version : `no (${d.podman.problem})`}; docker ${d.docker.available ? d.docker.server : `no (${d.docker.problem})`}`,
      );
      return d;
    });
    return this.detection;
  }

  /** The engine to build with, or a message saying what to install or start. */
  async choose(): Promise<Choice> {
    const detection = await this.detect();
    const { chooseEngine } = await import('../../core/engines/detect');
    const choice = chooseEngine(this.setting, detection);
    const changed = JSON.stringify(choice) !== JSON.stringify(this.lastChoice);
    this.lastChoice = choice;
    if (changed) {
      if (choice.ok)
        this.log.info(`engine: ${choice.engine.kind} ${choice.engine.version ?? ''} (${choice.engine.reason})`);
      else this.log.warn(choice.message);
      this.changed.fire();
    }
    return choice;
  }
}
