// Build All Architectures, Build Variant, Push Variant, Build This Platform, Cancel Builds, Show Build Log.
import * as vscode from 'vscode';
import type { CommandContext, CommandFactory } from '../command';
import { showError } from '../log';
import { cellOf, type VariantRow } from '../tree/variantRows';
import { buildTrust } from './buildService';
import { taskType, type MultiArchTaskDefinition } from './taskDefinition';

const folderOf = (ctx: CommandContext, row?: VariantRow): vscode.WorkspaceFolder | undefined =>
  row && 'folder' in row ? row.folder : ctx.model.configs[0]?.folder;

async function pickVariant(
  ctx: CommandContext,
  title: string,
): Promise<{ folder: vscode.WorkspaceFolder; variant: string } | undefined> {
  await ctx.model.reload();
  const items = ctx.model.configs.flatMap(({ folder, config }) =>
    config.variants.map((v) => ({
      label: v.name,
      description: v.platforms.join(', '),
      detail: ctx.model.configs.length > 1 ? folder.name : undefined,
      folder,
    })),
  );
  if (!items.length) {
    void showError(
      ctx.log,
      'No buildable config in this workspace: add a Dockerfile or fix multiarch.yaml, then try again.',
    );
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, { title });
  return pick && { folder: pick.folder, variant: pick.label };
}

function start(ctx: CommandContext, definition: MultiArchTaskDefinition, folder: vscode.WorkspaceFolder | undefined) {
  if (!folder) {
    void showError(ctx.log, 'Open a folder with a Dockerfile or multiarch.yaml to build.');
    return undefined;
  }
  return ctx.builds.build(definition, folder);
}

export const buildAll: CommandFactory = {
  trust: buildTrust,
  create: (ctx) => async () => {
    await ctx.model.reload();
    return start(ctx, { type: taskType, variant: 'all' }, folderOf(ctx));
  },
};

export const buildVariant: CommandFactory = {
  trust: buildTrust,
  create: (ctx) => async (row?: VariantRow) => {
    const target =
      row?.kind === 'variant'
        ? { folder: row.folder, variant: row.variant.name }
        : await pickVariant(ctx, 'Build which variant (all its platforms)?');
    return target && start(ctx, { type: taskType, variant: target.variant }, target.folder);
  },
};

export const pushVariant: CommandFactory = {
  trust: buildTrust,
  create: (ctx) => async (row?: VariantRow) => {
    const target =
      row?.kind === 'variant'
        ? { folder: row.folder, variant: row.variant.name }
        : await pickVariant(ctx, 'Push which variant?');
    return target && start(ctx, { type: taskType, variant: target.variant, push: true }, target.folder);
  },
};

/** One cell of the matrix, picked from every variant × platform (the walkthrough's "build one cell"). */
async function pickCell(
  ctx: CommandContext,
): Promise<{ folder: vscode.WorkspaceFolder; variant: string; platform: string } | undefined> {
  await ctx.model.reload();
  const items = ctx.model.configs.flatMap(({ folder, config }) =>
    config.variants.flatMap((v) =>
      v.platforms.map((platform) => ({
        label: `${v.name} on ${platform}`,
        detail: ctx.model.configs.length > 1 ? folder.name : undefined,
        folder,
        variant: v.name,
        platform,
      })),
    ),
  );
  if (!items.length) {
    void showError(
      ctx.log,
      'No buildable config in this workspace: add a Dockerfile or fix multiarch.yaml, then try again.',
    );
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'Build which platform of which variant?' });
  return pick && { folder: pick.folder, variant: pick.variant, platform: pick.platform };
}

export const buildPlatform: CommandFactory = {
  trust: buildTrust,
  create: (ctx) => async (row?: VariantRow) => {
    const target =
      row?.kind === 'platform'
        ? { folder: row.folder, variant: row.variant.name, platform: row.platform }
        : await pickCell(ctx);
    return (
      target &&
      start(
        ctx,
        { type: taskType, variant: target.variant, platforms: [target.platform], output: 'load' },
        target.folder,
      )
    );
  },
};

export const cancelBuilds: CommandFactory = {
  create: (ctx) => async (row?: VariantRow) => {
    const cells =
      row?.kind === 'platform'
        ? [cellOf(row)]
        : row?.kind === 'variant'
          ? row.variant.platforms.map((platform) => ({ variant: row.variant.name, platform }))
          : undefined;
    const n = await ctx.builds.cancel(cells);
    if (!n && !row) void vscode.window.showInformationMessage('No Multi-Arch build is running.');
    return n;
  },
};

export const showBuildLog: CommandFactory = {
  create: (ctx) => async (uri?: vscode.Uri) => {
    if (!uri) {
      ctx.log.show();
      return;
    }
    await vscode.window.showTextDocument(uri, { preview: true });
  },
};
