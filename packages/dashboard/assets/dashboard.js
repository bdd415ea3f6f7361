// nest-jobs dashboard: live refresh over Server-Sent Events and CSRF-protected
// actions without full page reloads. No framework; the server renders all HTML.
(() => {
  'use strict';
  const body = document.body;
  const base = body.dataset.base || '';
  const page = body.dataset.page;
  const pageQueue = body.dataset.queue;
  const pageJob = body.dataset.job;
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const live = document.getElementById('live');
  const status = document.getElementById('live-status');
  const flash = document.getElementById('flash');
  const REFRESH_MIN_MS = 1000;

  let refreshing = false;
  let pending = false;
  let lastRefresh = 0;
  let timer = null;

  function showFlash(text, isError) {
    flash.textContent = text;
    flash.classList.toggle('error', Boolean(isError));
    flash.hidden = false;
  }

  function partialUrl() {
    const url = new URL(window.location.href);
    url.searchParams.set('partial', '1');
    return url.toString();
  }

  async function refresh() {
    if (refreshing) { pending = true; return; }
    refreshing = true;
    lastRefresh = Date.now();
    try {
      const response = await fetch(partialUrl(), { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (response.ok) live.innerHTML = await response.text();
      else if (response.status === 404 && page === 'job') showFlash('This job no longer exists.', true);
      else if (response.status === 503) showFlash(await response.text(), true);
    } catch {
      status.textContent = 'offline';
    } finally {
      refreshing = false;
      if (pending) { pending = false; scheduleRefresh(); }
    }
  }

  function scheduleRefresh() {
    if (timer) return;
    const wait = Math.max(0, REFRESH_MIN_MS - (Date.now() - lastRefresh));
    timer = setTimeout(() => { timer = null; void refresh(); }, wait);
  }

  function concernsPage(batch) {
    if (page === 'overview' || page === 'dead' || page === 'schedules') return true;
    if (page === 'queue') return batch.queues.includes(pageQueue);
    if (page === 'job') return batch.truncated || batch.ids.includes(pageJob);
    return false;
  }

  function connect() {
    const source = new EventSource(`${base}/events`);
    source.onopen = () => { status.textContent = 'live'; status.classList.add('on'); };
    source.onerror = () => { status.textContent = 'reconnecting…'; status.classList.remove('on'); };
    source.addEventListener('jobs', (event) => {
      body.dataset.events = String(Number(body.dataset.events || 0) + 1);
      if (concernsPage(JSON.parse(event.data))) scheduleRefresh();
    });
  }

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'x-csrf-token': token, accept: 'application/json' },
      });
      const result = await response.json().catch(() => ({ message: response.statusText }));
      showFlash(result.message || response.statusText, !response.ok || result.ok === false);
      if (response.ok && page === 'job' && /\/remove$/.test(form.action)) {
        window.location.assign(`${base}/queues/${encodeURIComponent(pageQueue)}`);
        return;
      }
      await refresh();
    } catch (error) {
      showFlash(String(error), true);
    } finally {
      if (button) button.disabled = false;
    }
  });

  connect();
  // The chart moves with time even when no job runs.
  if (page === 'overview') setInterval(scheduleRefresh, 10_000);
})();
