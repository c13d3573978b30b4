import type { PageShell } from '../webview/html';
import { TIMELINE_VIEW_TYPE } from '../../shared/timelineProtocol';

/** The Build Timeline page: its bundle, stylesheet and codicons under media/timeline. */
export const TIMELINE_PAGE: PageShell = {
  viewType: TIMELINE_VIEW_TYPE,
  media: 'timeline',
  script: 'timeline.js',
  stylesheet: 'timeline.css',
  title: 'Build Timeline',
  loading: 'Reading build timings…',
};
