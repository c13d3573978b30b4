import type { PageShell } from '../webview/html';
import { SIZES_VIEW_TYPE } from '../../shared/sizesProtocol';

/** The Image Sizes page: its bundle, stylesheet and codicons under media/sizes. */
export const SIZES_PAGE: PageShell = {
  viewType: SIZES_VIEW_TYPE,
  media: 'sizes',
  script: 'sizes.js',
  stylesheet: 'sizes.css',
  title: 'Image Sizes',
  loading: 'Reading image sizes…',
};
