import type { PageShell } from '../webview/html';

/** The Build Timeline page: its bundle, stylesheet and codicons under media/timeline. */
export const TIMELINE_PAGE: PageShell = {
  media: 'timeline',
  script: 'timeline.js',
  stylesheet: 'timeline.css',
  title: 'Build Timeline',
  loading: 'Reading build timings…',
};
