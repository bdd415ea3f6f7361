import { describe, expect, it } from '@jest/globals';
import { escapeHtml, html } from './html.js';

describe('escapeHtml and the html tag', () => {
  it('escapes the five HTML specials and the backtick', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\`</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
  });

  it('escapes every interpolation except nested html, and renders nothing for null, undefined and false', () => {
    const name = '"><img src=x onerror=alert(1)>';
    const out = html`<p title="${name}">${name}${html`<b>${'<i>'}</b>`}${[1, '<', null]}${undefined}${false}</p>`;
    expect(out.value).toBe('<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;<b>&lt;i&gt;</b>1&lt;</p>');
  });
});
