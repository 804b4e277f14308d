// PyStream Web UI: a hash-routed single page over the gateway's REST calls (see gateway/README.md).

import { tokenPanel } from './api.js';
import { el } from './dom.js';
import { jobPage } from './job.js';
import { overviewPage } from './overview.js';
import { workersPage } from './workers.js';

function notFoundPage() {
  return {
    title: 'Not found',
    root: el('section', { 'aria-labelledby': 'page-title' },
      el('h1', { id: 'page-title', tabindex: '-1' }, 'Page not found'),
      el('p', {}, el('a', { href: '#/' }, 'Back to the overview'))),
    poller: null,
  };
}

const router = {
  current: null,
  firstRoute: true,

  pageFor(hash) {
    if (hash === '' || hash === '#' || hash === '#/') return overviewPage();
    if (hash === '#/workers') return workersPage();
    const match = /^#\/jobs\/([^/]+)\/?$/.exec(hash);
    if (match) {
      try {
        return jobPage(decodeURIComponent(match[1]));
      } catch {
        return notFoundPage();
      }
    }
    return notFoundPage();
  },

  show() {
    this.current?.poller?.stop();
    const page = this.pageFor(location.hash);
    this.current = page;
    document.title = `${page.title} · PyStream`;
    document.getElementById('view').replaceChildren(page.root);
    document.querySelectorAll('nav a').forEach((link) => {
      if (link.getAttribute('href') === (location.hash || '#/')) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
    // Moving focus to the new heading tells screen readers the page changed.
    if (!this.firstRoute) page.root.querySelector('h1')?.focus();
    this.firstRoute = false;
    page.poller?.start();
  },

  refresh() {
    this.current?.poller?.refreshNow();
  },
};

tokenPanel.install(() => router.refresh());
window.addEventListener('hashchange', () => router.show());
router.show();
