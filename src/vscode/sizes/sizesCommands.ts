import * as vscode from 'vscode';
import type { CommandFactory } from '../command';
import type { ConfigModel } from '../model/configModel';
import { findProjects, variantArg } from '../model/projects';

/** Show Image Sizes, from the palette or a variant's menu (then scrolled to that variant). */
export const showSizes: CommandFactory = {
  create:
    ({ sizes }) =>
    async (arg?: unknown) =>
      (await sizes.open()).show(variantArg(arg)),
};

/** Compare Architectures: the Image Sizes panel explains why a variant's platforms differ in size. */
export const compareArchitectures: CommandFactory = {
  create:
    ({ sizes, model }) =>
    async (arg?: unknown) => {
      const variant = variantArg(arg) ?? (await pickVariant(model));
      if (!variant) return undefined;
      const panel = await sizes.open();
      panel.show(variant);
      return panel.compare(variant);
    },
};

async function pickVariant(model: ConfigModel): Promise<string | undefined> {
  const names = [...new Set((await findProjects(model)).flatMap((p) => p.config.variants.map((v) => v.name)))];
  if (names.length <= 1) return names[0];
  return vscode.window.showQuickPick(names, { title: 'Compare the architectures of which variant?' });
}
