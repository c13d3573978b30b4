import type { ResolvedConfig, ResolvedVariant } from '../config/types';
import { renderTemplate } from '../config/tags';
import { templateValues } from '../config/resolve';

/** Image references for a variant's multi-platform image. When pushing, a configured registry prefixes them. */
export function variantTags(config: ResolvedConfig, variant: ResolvedVariant, push: boolean): string[] {
  return variant.tags.map((t) => {
    const ref = renderTemplate(t, templateValues(config, variant.name));
    return push ? withRegistry(config, t, ref) : ref;
  });
}

/** Reference for one platform's image, used when platforms are loaded into the store separately. */
export function platformTag(config: ResolvedConfig, variant: ResolvedVariant, platform: string): string {
  return renderTemplate(variant.archTag, templateValues(config, variant.name, platform));
}

/** One platform's image as pushed on its own: a configured registry prefixes it. */
export function pushedPlatformTag(config: ResolvedConfig, variant: ResolvedVariant, platform: string): string {
  return withRegistry(config, variant.archTag, platformTag(config, variant, platform));
}

function withRegistry(config: ResolvedConfig, template: string, ref: string): string {
  if (!config.registry || template.includes('{registry}') || ref.startsWith(`${config.registry}/`)) return ref;
  return `${config.registry}/${ref}`;
}
