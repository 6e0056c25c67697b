import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ICON_SVG } from '../shared/icon';
import { App } from './App';
import { prefetchFirstRows } from './features/period/first-rows';
import './i18n';
import { preloadPage } from './pages';
import { api } from './platform/transport';
import { parseRoute } from './useHashRoute';
import './styles.css';

// What the first page waits for, started before React renders anything: its code (a chunk
// of its own), the core's info (every page waits for it), and for the period overview its
// first rows, which need the month from the info. They load side by side, not one after the
// other (issue 6: the overview's first rows within a second).
const route = parseRoute(window.location.hash);
preloadPage(route.page);
const firstInfo = api.call('app-info', {});
if (route.page === 'period') {
  firstInfo.then((info) => prefetchFirstRows(info.today.slice(0, 7)), () => undefined);
}

// The tab's icon (without one the browser asks the server for /favicon.ico, which it has not).
const icon = document.createElement('link');
icon.rel = 'icon';
icon.type = 'image/svg+xml';
icon.href = `data:image/svg+xml,${encodeURIComponent(ICON_SVG)}`;
document.head.append(icon);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App firstInfo={firstInfo} />
    </StrictMode>,
  );
}
