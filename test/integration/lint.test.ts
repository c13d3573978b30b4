import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateApi, waitForEvent, workspaceRoot, writeText } from './helpers/api';

/** Our findings for `uri` once `predicate` holds, checking before waiting so an early publish is not missed. */
async function diagnosticsWhen(
  uri: vscode.Uri,
  predicate: (d: vscode.Diagnostic[]) => boolean,
  what: string,
): Promise<vscode.Diagnostic[]> {
  const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'multiarch');
  if (predicate(ours())) return ours();
  await waitForEvent(
    vscode.languages.onDidChangeDiagnostics,
    (e) => e.uris.some((u) => u.toString() === uri.toString()) && predicate(ours()),
    15_000,
    what,
  );
  return ours();
}

const ruleOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const hasRule = (rule: string) => (ds: vscode.Diagnostic[]) => ds.some((d) => ruleOf(d) === rule);

describe('Dockerfile lint in the editor', () => {
  let folder: vscode.Uri;
  let n = 0;

  async function openDockerfile(text: string): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.joinPath(folder, `case${++n}`, 'Dockerfile');
    await writeText(uri, text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    return doc;
  }

  async function actionsAt(doc: vscode.TextDocument, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
    return (
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        range,
        kind,
      )) ?? []
    );
  }

  before(async () => {
    await activateApi();
    folder = vscode.Uri.joinPath(workspaceRoot(), `lint-it-${Date.now()}`);
  });

  after(async () => {
    // Save what the tests edited so closing leaves no dirty editor (and no save prompt) behind.
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.isDirty && doc.uri.toString().startsWith(folder.toString())) await doc.save();
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false });
  });

  it('opens Dockerfiles with the dockerfile language', async () => {
    const doc = await openDockerfile('FROM alpine\n');
    assert.equal(doc.languageId, 'dockerfile');
  });

  it('flags `FROM alpine as build` on the `as` token and fixes it to AS', async () => {
    const doc = await openDockerfile('FROM alpine as build\nRUN echo hi\n');
    const found = await diagnosticsWhen(doc.uri, hasRule('FromAsCasing'), 'FromAsCasing');
    const d = found.find((x) => ruleOf(x) === 'FromAsCasing')!;
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.character], [0, 12, 14]);
    assert.equal(d.message, "'as' and 'FROM' keywords' casing do not match");
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(
      typeof d.code === 'object' && d.code.target.toString(),
      'https://docs.docker.com/reference/build-checks/from-as-casing/',
    );

    const actions = await actionsAt(doc, d.range);
    const fix = actions.find((a) => a.title === "Change 'as' to 'AS'");
    assert.ok(fix?.edit, `no FromAsCasing fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(fix.kind?.value === vscode.CodeActionKind.QuickFix.value && fix.isPreferred);
    assert.ok(actions.some((a) => a.title === 'Ignore FromAsCasing in this file'));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.getText(), 'FROM alpine AS build\nRUN echo hi\n');
    await diagnosticsWhen(doc.uri, (ds) => !hasRule('FromAsCasing')(ds), 'FromAsCasing to clear after the fix');
  });

  it('renames a stage to lowercase together with every reference', async () => {
    const doc = await openDockerfile(
      'FROM alpine AS Build\nRUN touch /a\nFROM alpine\nCOPY --from=Build /a /a\nRUN --mount=type=cache,from=Build,target=/c ls /c\n',
    );
    const found = await diagnosticsWhen(doc.uri, hasRule('StageNameCasing'), 'StageNameCasing');
    const d = found.find((x) => ruleOf(x) === 'StageNameCasing')!;
    const fix = (await actionsAt(doc, d.range)).find((a) => a.title.startsWith("Rename stage 'Build'"));
    assert.ok(fix?.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(
      doc.getText(),
      'FROM alpine AS build\nRUN touch /a\nFROM alpine\nCOPY --from=build /a /a\nRUN --mount=type=cache,from=build,target=/c ls /c\n',
    );
  });

  it('Fix All Dockerfile Problems applies the safe fixes; suggestions stay in the lightbulb', async () => {
    const doc = await openDockerfile(
      'FROM alpine as Base\nMAINTAINER Jane <jane@example.com>\nENV GREETING hello world\nEXPOSE 80/TCP\nCMD run --port 80\nENV PATH=$PAHT:/x\n',
    );
    await diagnosticsWhen(doc.uri, hasRule('MaintainerDeprecated'), 'MaintainerDeprecated');
    assert.equal(await vscode.commands.executeCommand('multiarch.lint.fixAll'), true);
    assert.equal(
      doc.getText(),
      'FROM alpine AS base\nMAINTAINER Jane <jane@example.com>\nENV GREETING="hello world"\nEXPOSE 80/tcp\nCMD ["run", "--port", "80"]\nENV PATH=$PAHT:/x\n',
    );
    const left = await diagnosticsWhen(
      doc.uri,
      (ds) => !hasRule('FromAsCasing')(ds) && hasRule('UndefinedVar')(ds),
      'only the suggestions to be left',
    );
    assert.deepEqual(left.map(ruleOf).sort(), ['MaintainerDeprecated', 'UndefinedVar']);
    const undefinedVar = left.find((d) => ruleOf(d) === 'UndefinedVar')!;
    const offered = (await actionsAt(doc, undefinedVar.range)).find((a) => a.title === 'Change to $PATH');
    assert.ok(offered?.edit && !offered.isPreferred, 'the did-you-mean is offered, not preferred');
    const maintainer = left.find((d) => ruleOf(d) === 'MaintainerDeprecated')!;
    assert.ok(
      (await actionsAt(doc, maintainer.range)).some(
        (a) => a.title === 'Replace with LABEL org.opencontainers.image.authors',
      ),
    );
  });

  it('offers source.fixAll.multiarch for editor.codeActionsOnSave', async () => {
    const doc = await openDockerfile('from alpine AS b\nrun true\nRUN echo\n');
    await diagnosticsWhen(doc.uri, hasRule('ConsistentInstructionCasing'), 'ConsistentInstructionCasing');
    const actions = await actionsAt(doc, new vscode.Range(0, 0, 0, 0), 'source.fixAll.multiarch');
    const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.multiarch');
    assert.ok(fixAll?.edit);
    assert.ok(await vscode.workspace.applyEdit(fixAll.edit));
    assert.equal(doc.getText(), 'from alpine as b\nrun true\nrun echo\n');
  });

  it('honours # check=skip=… and "Ignore <Rule> in this file" writes it', async () => {
    const skipped = await openDockerfile('# check=skip=FromAsCasing\nFROM alpine as build\nMAINTAINER me\n');
    const found = await diagnosticsWhen(skipped.uri, hasRule('MaintainerDeprecated'), 'MaintainerDeprecated');
    assert.deepEqual(found.map(ruleOf), ['MaintainerDeprecated']);

    const doc = await openDockerfile('# syntax=docker/dockerfile:1\nFROM alpine as build\n');
    const d = (await diagnosticsWhen(doc.uri, hasRule('FromAsCasing'), 'FromAsCasing')).find(
      (x) => ruleOf(x) === 'FromAsCasing',
    )!;
    const ignore = (await actionsAt(doc, d.range)).find((a) => a.title === 'Ignore FromAsCasing in this file');
    assert.ok(ignore?.edit);
    assert.ok(await vscode.workspace.applyEdit(ignore.edit));
    assert.equal(doc.getText(), '# syntax=docker/dockerfile:1\n# check=skip=FromAsCasing\nFROM alpine as build\n');
    await diagnosticsWhen(doc.uri, (ds) => !hasRule('FromAsCasing')(ds), 'the skipped rule to disappear');
  });

  it('lints an untitled Dockerfile and clears its problems when it closes', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: 'FROM alpine as build\n' });
    await vscode.window.showTextDocument(doc);
    await diagnosticsWhen(doc.uri, hasRule('FromAsCasing'), 'FromAsCasing on the untitled document');
    const cleared = waitForEvent(
      vscode.languages.onDidChangeDiagnostics,
      (e) =>
        e.uris.some((u) => u.toString() === doc.uri.toString()) &&
        vscode.languages.getDiagnostics(doc.uri).length === 0,
      15_000,
      'diagnostics to clear on close',
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await cleared;
  });

  it('InvalidBaseImagePlatform arrives from the registry without blocking the other findings', async function () {
    this.timeout(60_000);
    // The busybox base the engine setup pushed to the local registry has linux/amd64 and linux/arm64 only.
    const base =
      process.env.MULTIARCH_BASE_IMAGE ?? `${process.env.MULTIARCH_REGISTRY ?? '127.0.0.1:5000'}/multiarch/busybox:1`;
    const dir = vscode.Uri.joinPath(folder, `case${++n}`);
    await writeText(
      vscode.Uri.joinPath(dir, 'multiarch.yaml'),
      `image: lint-it\nplatforms: [linux/amd64, linux/s390x]\nvariants:\n  app: {}\n`,
    );
    const uri = vscode.Uri.joinPath(dir, 'Dockerfile');
    await writeText(uri, `FROM ${base} as run\n`);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await diagnosticsWhen(
      doc.uri,
      (d) => hasRule('InvalidBaseImagePlatform')(d) && hasRule('FromAsCasing')(d),
      'InvalidBaseImagePlatform from the registry',
    );
    const hit = ds.find((d) => ruleOf(d) === 'InvalidBaseImagePlatform')!;
    assert.equal(hit.range.start.line, 0);
    assert.match(hit.message, /has no linux\/s390x, only linux\/amd64, linux\/arm64$/);
  });

  it('with a multiarch.yaml, a finding says which variants and platforms it affects', async () => {
    const dir = vscode.Uri.joinPath(folder, `case${++n}`);
    // Variant "lite" passes the right tini build itself; "app" builds arm64 with the amd64 default.
    await writeText(
      vscode.Uri.joinPath(dir, 'multiarch.yaml'),
      `image: lint-cells\nplatforms: [linux/amd64, linux/arm64]\nvariants:\n  app: {}\n  lite:\n    args: { TINI_ARCH: arm64 }\n    platforms: [linux/arm64]\n`,
    );
    const uri = vscode.Uri.joinPath(dir, 'Dockerfile');
    await writeText(
      uri,
      'FROM debian:bookworm-slim\nARG TINI_ARCH=amd64\nRUN curl -fsSLo /tini https://github.com/krallin/tini/releases/download/v0.19.0/tini-${TINI_ARCH}\n',
    );
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await diagnosticsWhen(doc.uri, hasRule('MultiArch/HardcodedArch'), 'HardcodedArch per cell');
    const hit = ds.find((d) => ruleOf(d) === 'MultiArch/HardcodedArch')!;
    assert.deepEqual([hit.range.start.line, hit.range.start.character], [1, 14]);
    assert.match(hit.message, /\(for linux\/arm64 in variant app\)$/);
  });

  it('re-lints as you type', async () => {
    const doc = await openDockerfile('FROM alpine AS build\n');
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), 'MAINTAINER me\n'));
    await diagnosticsWhen(doc.uri, hasRule('MaintainerDeprecated'), 'MaintainerDeprecated after typing');
  });
});
