import type { CommandFactory } from '../command';

/** Refresh: reads every folder's config again (the Variants view title button). */
export const refreshVariants: CommandFactory = {
  create:
    ({ model }) =>
    () =>
      model.refresh(),
};
