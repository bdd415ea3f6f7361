import { html, type SafeHtml } from '../render/html.js';

/** Seconds between the outage page's reloads. */
export const RETRY_SECONDS = 5;

/** A whole page for an outage of the backend: what failed, and that it retries by itself (a meta refresh, no script). */
export function unavailablePage(message: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="refresh" content="${RETRY_SECONDS}">
  <title>Jobs backend unreachable</title>
</head>
<body data-page="unavailable">
  <main>
    <h1>Jobs backend unreachable</h1>
    <p class="unavailable" role="alert">${message}</p>
    <p>Retrying: this page reloads every ${RETRY_SECONDS} seconds and shows the dashboard again as soon as the backend answers.</p>
  </main>
</body>
</html>`;
}
