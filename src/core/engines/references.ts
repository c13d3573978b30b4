import type { ResolvedConfig, ResolvedVariant } from '../config/types';
import { renderTemplate } from '../config/tags';
import { templateValues } from '../config/resolve';

/** Image references for a variant's multi-platform image. When pushing, a configured registry prefixes them. */
export function variantTags(config: ResolvedConfig, variant: ResolvedVariant, push: boolean): string[] {
  return variant.tags.map((t) =>
    withRegistry(config, t, renderTemplate(t, templateValues(config, variant.name)), push),
  );
}

/** Reference for one platform's image, used when platforms are loaded into the store separately. */
export function platformTag(config: ResolvedConfig, variant: ResolvedVariant, platform: string, push = false): string {
  const t = variant.archTag;
  return withRegistry(config, t, renderTemplate(t, templateValues(config, variant.name, platform)), push);
}

function withRegistry(config: ResolvedConfig, template: string, ref: string, push: boolean): string {
  if (!push || !config.registry || template.includes('{registry}') || ref.startsWith(`${config.registry}/`)) return ref;
  return `${config.registry}/${ref}`;
}
