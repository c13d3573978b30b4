import * as vscode from 'vscode';
import type { BuildNode, NodeProbe } from '../../core/nodes/types';
import { Disposable } from '../disposable';

/**
 * A version call answers within this, or the node is asked again waiting as long as a build does
 * (nodeTimeoutMs), and only then shows as unreachable: podman's API takes ~1 s to answer it on an idle machine.
 */
export const probeTimeoutMs = 2000;

interface Entry {
  probe?: NodeProbe;
  running?: Promise<NodeProbe>;
}

/**
 * What each build node answered. Probes run in the background, all nodes at once; the view shows "checking…"
 * until a node's answer arrives and never waits for one.
 */
export class NodeProbes extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<BuildNode>());
  readonly onDidChange = this.changed.event;
  private readonly entries = new Map<string, Entry>();
  private readonly abort = new AbortController();

  constructor() {
    super();
    this.register({ dispose: () => this.abort.abort() });
  }

  /** The node's last answer, or undefined while it is being asked (the first call starts the probe). */
  get(node: BuildNode): NodeProbe | undefined {
    const entry = this.entries.get(key(node));
    if (!entry) void this.start(node);
    return entry?.probe;
  }

  /** Asks the node again (or joins the question in flight); the view shows "checking…" meanwhile. */
  probe(node: BuildNode, timeoutMs = probeTimeoutMs): Promise<NodeProbe> {
    const running = this.start(node, timeoutMs);
    this.changed.fire(node);
    return running;
  }

  private start(node: BuildNode, timeoutMs = probeTimeoutMs): Promise<NodeProbe> {
    const k = key(node);
    const entry = this.entries.get(k) ?? {};
    if (entry.running) return entry.running;
    // The probe (engine commands and their output schemas) loads with the first node asked.
    const running = Promise.all([import('../../core/nodes/probe'), import('../../core/build/runnerTypes')]).then(
      async ([{ probeNode }, { nodeTimeoutMs }]) => {
        const probe = await probeNode(node, { timeoutMs, patientMs: nodeTimeoutMs, signal: this.abort.signal });
        // A refresh while it ran replaced the entry; that probe's answer is the one to show.
        if (this.entries.get(k) === fresh) {
          this.entries.set(k, { probe });
          this.changed.fire(node);
        }
        return probe;
      },
    );
    const fresh: Entry = { running };
    this.entries.set(k, fresh);
    return running;
  }

  /** Forgets every answer: the next look at a node asks it again. */
  clear(): void {
    this.entries.clear();
  }
}

function key(node: BuildNode): string {
  return JSON.stringify([node.name, node.engine, node.endpoint]);
}
