import * as vscode from 'vscode';
import {
  addNodeEdit,
  applyTextEdit,
  ConfigEditError,
  removeNodeEdit,
  type NodeEntry,
  type TextEdit,
} from '../../core/config/editNodes';
import { nodesSetting, setNodesSetting } from '../settings';
import type { SaveTarget } from './addNodeFlow';

/** Writes a new node where the user chose: multiarch.yaml through a WorkspaceEdit (undo works), or the user setting. */
export async function saveNode(target: SaveTarget, node: NodeEntry): Promise<string> {
  if (target.kind === 'setting') {
    await updateSetting([...settingEntries(), node]);
    return 'the multiarch.nodes user setting';
  }
  await editConfig(vscode.Uri.file(target.file), (text) => addNodeEdit(text, node));
  return vscode.workspace.asRelativePath(target.file);
}

/** Removes a node from where it came from; the rest of multiarch.yaml keeps every byte. */
export async function removeNode(
  name: string,
  from: { kind: 'file'; file: string } | { kind: 'setting' },
): Promise<string> {
  if (from.kind === 'setting') {
    const entries = settingEntries();
    if (!entries.some((n) => n.name === name))
      throw new ConfigEditError(
        `The multiarch.nodes setting has no node named "${name}"; it may have been removed already (Refresh Builders).`,
      );
    await updateSetting(entries.filter((n) => n.name !== name));
    return 'the multiarch.nodes user setting';
  }
  await editConfig(vscode.Uri.file(from.file), (text) => removeNodeEdit(text, name));
  return vscode.workspace.asRelativePath(from.file);
}

function settingEntries(): NodeEntry[] {
  const value = nodesSetting();
  return Array.isArray(value) ? (value as NodeEntry[]) : [];
}

function updateSetting(nodes: NodeEntry[]): Thenable<void> {
  // Machine-scoped: the user's own settings on this machine, never the workspace's.
  return setNodesSetting(nodes);
}

/**
 * Applies one text edit to the config as a WorkspaceEdit, so Undo in its editor takes it back. The file is
 * saved (builds and the CLI read the disk) unless the user had unsaved changes in it, which stay theirs to save.
 */
async function editConfig(uri: vscode.Uri, edit: (text: string) => TextEdit): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const wasDirty = doc.isDirty;
  if (!wasDirty) {
    // An open, saved document can lag behind a change made on disk (by the CLI, git, another tool); the disk wins.
    const disk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    if (disk !== doc.getText()) {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(applyTextEdit(disk, edit(disk))));
      return;
    }
  }
  const e = edit(doc.getText());
  const we = new vscode.WorkspaceEdit();
  we.replace(uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.text);
  if (!(await vscode.workspace.applyEdit(we)))
    throw new ConfigEditError(
      `${vscode.workspace.asRelativePath(uri)} could not be edited; if it is read-only, make it writable and try again.`,
    );
  if (!wasDirty) await doc.save();
}
