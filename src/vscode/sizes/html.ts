import type { PageShell } from '../webview/html';

/** The Image Sizes page: its bundle, stylesheet and codicons under media/sizes. */
export const SIZES_PAGE: PageShell = {
  media: 'sizes',
  script: 'sizes.js',
  stylesheet: 'sizes.css',
  title: 'Image Sizes',
  loading: 'Reading image sizes…',
};
