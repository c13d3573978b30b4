import * as vscode from 'vscode';
import { configFileGlob } from '../../core/config/fileNames';
import { dirname } from 'node:path';
import { lintDockerfile, type LintContext, type LintDiagnostic, type LintOptions } from '../../core/lint';
import { checkBaseImagePlatforms, INVALID_BASE_IMAGE_PLATFORM } from '../../core/lint/baseImagePlatform';
import { lintCellsNear, loadLintContext } from '../../core/lint/lintContext';
import { projectPlatformLookup, type PlatformLookup } from '../../core/registry';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { lintEnabled, lintRules } from '../settings';
import { toDiagnostic } from './convert';
import { isDockerfile } from './documents';

const DEBOUNCE_MS = 150;

interface LintedVersion {
  version: number;
  diagnostics: LintDiagnostic[];
}

/**
 * Keeps the Problems of every open Dockerfile current: lint on open, once per edit burst (150 ms after
 * the last change), on settings changes, and when a .dockerignore or multiarch.yaml changes; cleared on close.
 */
export class LintService extends Disposable {
  readonly collection: vscode.DiagnosticCollection;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly results = new Map<string, LintedVersion>();
  private readonly contexts = new Map<string, Promise<LintContext>>();

  constructor(private readonly log: Log) {
    super();
    this.collection = this.register(vscode.languages.createDiagnosticCollection('multiarch-lint'));
    this.register(vscode.workspace.onDidOpenTextDocument((d) => void this.lintNow(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('multiarch.lint')) this.lintAllOpen();
      }),
    );
    const watcher = this.register(
      vscode.workspace.createFileSystemWatcher(`**/{.dockerignore,*.dockerignore,${configFileGlob}}`),
    );
    const refresh = () => {
      this.contexts.clear();
      this.lintAllOpen();
    };
    this.register(watcher.onDidChange(refresh));
    this.register(watcher.onDidCreate(refresh));
    this.register(watcher.onDidDelete(refresh));
    this.register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
    this.lintAllOpen();
  }

  /** The last findings if they belong to the document's current version; never lints. */
  fresh(document: vscode.TextDocument): LintDiagnostic[] | undefined {
    const last = this.results.get(document.uri.toString());
    return last && last.version === document.version ? last.diagnostics : undefined;
  }

  /** The findings of the document's current text, linting it now if the last lint is stale. */
  current(document: vscode.TextDocument): LintDiagnostic[] {
    const key = document.uri.toString();
    const last = this.results.get(key);
    if (last && last.version === document.version) return last.diagnostics;
    const diagnostics = this.lintText(document, this.lastContext(document));
    this.results.set(key, { version: document.version, diagnostics });
    return diagnostics;
  }

  options(document: vscode.TextDocument): LintOptions {
    return { rules: lintRules(document.uri) };
  }

  contextFor(document: vscode.TextDocument): Promise<LintContext> {
    if (document.uri.scheme !== 'file') return Promise.resolve({});
    const key = dirname(document.uri.fsPath) + '\0' + document.uri.fsPath;
    let ctx = this.contexts.get(key);
    if (!ctx) {
      ctx = loadLintContext(document.uri.fsPath).catch((err: unknown) => {
        this.log.warn(`lint: could not read the build context of ${document.uri.fsPath}: ${String(err)}`);
        return {};
      });
      this.contexts.set(key, ctx);
    }
    return ctx;
  }

  private readonly settled = new Map<string, LintContext>();

  /** The build context used by the last lint of this document (what its quick-fixes were computed with). */
  lastContext(document: vscode.TextDocument): LintContext {
    return this.settled.get(document.uri.toString()) ?? {};
  }

  private enabled(document: vscode.TextDocument): boolean {
    return lintEnabled(document.uri) && isDockerfile(document);
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isDockerfile(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.lintNow(document);
      }, DEBOUNCE_MS),
    );
  }

  async lintNow(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    if (!this.enabled(document)) {
      this.collection.delete(document.uri);
      this.results.delete(document.uri.toString());
      return;
    }
    const context = await this.contextFor(document);
    if (document.isClosed) return;
    this.settled.set(document.uri.toString(), context);
    const diagnostics = this.lintText(document, context);
    this.results.set(document.uri.toString(), { version: document.version, diagnostics });
    this.collection.set(document.uri, diagnostics.map(toDiagnostic));
    void this.checkBaseImages(document, document.version);
  }

  private readonly lookups = new Map<string, Promise<PlatformLookup>>();
  private readonly reportedUnreachable = new Set<string>();

  /**
   * InvalidBaseImagePlatform never blocks typing: the registry answers arrive later (or never, offline)
   * and are added to the findings of the version they were asked for, if it is still the current one.
   */
  private async checkBaseImages(document: vscode.TextDocument, version: number): Promise<void> {
    if (document.uri.scheme !== 'file' || this.options(document).rules?.[INVALID_BASE_IMAGE_PLATFORM.name] === 'off')
      return;
    try {
      const near = await lintCellsNear(document.uri.fsPath);
      if (!near) return;
      let lookup = this.lookups.get(near.root);
      if (!lookup) this.lookups.set(near.root, (lookup = projectPlatformLookup(near.root)));
      const { diagnostics, unreachable } = await checkBaseImagePlatforms(document.getText(), near.cells, {
        lookup: await lookup,
        buildPlatform: (await this.contextFor(document)).buildPlatform,
      });
      for (const u of unreachable) {
        if (this.reportedUnreachable.has(u.image)) continue;
        this.reportedUnreachable.add(u.image);
        this.log.info(`lint: InvalidBaseImagePlatform skipped for ${u.image}: ${u.reason}`);
      }
      const key = document.uri.toString();
      const last = this.results.get(key);
      if (document.isClosed || document.version !== version || !last || last.version !== version || !diagnostics.length)
        return;
      const merged = [...last.diagnostics.filter((d) => d.rule !== INVALID_BASE_IMAGE_PLATFORM.name), ...diagnostics];
      this.results.set(key, { version, diagnostics: merged });
      this.collection.set(document.uri, merged.map(toDiagnostic));
    } catch (err) {
      this.log.warn(`lint: base image platforms of ${document.uri.toString()} not checked: ${String(err)}`);
    }
  }

  private lintText(document: vscode.TextDocument, context: LintContext): LintDiagnostic[] {
    const started = Date.now();
    const result = lintDockerfile(document.getText(), context, this.options(document));
    for (const f of result.failures)
      this.log.error(`lint: rule ${f.rule} failed on ${document.uri.toString()}: ${String(f.error)}`);
    const ms = Date.now() - started;
    if (ms > 100) this.log.debug(`lint: ${document.uri.toString()} took ${ms} ms`);
    return result.diagnostics;
  }

  private lintAllOpen(): void {
    for (const d of vscode.workspace.textDocuments) void this.lintNow(d);
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.results.delete(key);
    this.settled.delete(key);
    this.collection.delete(uri);
  }
}
