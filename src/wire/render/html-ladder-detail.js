/* global window, document */
// The ladder page's detail panel, inlined before html-ladder-client.js: what the selected row is,
// its decoded text, and its bytes as whole hex dumps. Every captured string goes in through
// textContent, never as markup.
(function () {
  'use strict';

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function hexDump(hex, mask) {
    var lines = [];
    for (var off = 0; off < hex.length / 2; off += 16) {
      var chunk = hex.slice(off * 2, off * 2 + 32);
      var bytes = chunk.match(/../g) || [];
      var ascii = bytes
        .map(function (b) {
          var c = parseInt(b, 16);
          return c > 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
        })
        .join('');
      lines.push(
        ('000' + off.toString(16)).slice(-4) +
          '  ' +
          (bytes.join(' ') + '                                                ').slice(0, 48) +
          '  ' +
          ascii,
      );
    }
    return (mask ? 'mask key 0x' + mask + '\n' : '') + lines.join('\n');
  }

  /** Fills `detail` with row `r`; `how.color` is its arrow's colour, `how.copy(status)` copies
   * it as JSON and reports in `status`. */
  function render(detail, data, r, how) {
    function section(title, node) {
      detail.appendChild(el('h3', '', title));
      detail.appendChild(node);
    }
    detail.textContent = '';
    var h = el('h2');
    var badge = el('span', 'badge', r.f === 'c' ? 'client → server' : r.f === 's' ? 'server → client' : r.k);
    badge.style.background = how.color;
    h.appendChild(badge);
    h.appendChild(document.createTextNode(r.l));
    detail.appendChild(h);
    var actions = el('div', 'detail-actions');
    var copy = el('button', '', 'Copy as JSON');
    copy.type = 'button';
    copy.id = 'copy-json';
    var copied = el('span', 'copied');
    copied.id = 'copy-status';
    copied.setAttribute('role', 'status');
    copy.addEventListener('click', function () {
      how.copy(copied);
    });
    actions.appendChild(copy);
    if (r.p !== null) {
      var link = el('a', '', '#packet-' + r.p);
      link.href = '#packet-' + r.p;
      link.title = 'a link to this row';
      actions.appendChild(link);
    }
    actions.appendChild(copied);
    detail.appendChild(actions);
    detail.appendChild(
      el(
        'div',
        'meta',
        new Date(r.t * 1000).toISOString() +
          ' · ' +
          data.lanes[r.s].name +
          ' → ' +
          data.lanes[r.d].name +
          (r.c !== null ? ' · connection ' + r.c : '') +
          (r.p !== null ? ' · packet ' + r.p : ''),
      ),
    );
    if (r.x && r.x.length) {
      var ul = el('ul');
      r.x.forEach(function (line) {
        ul.appendChild(el('li', '', line));
      });
      section('What it is', ul);
    }
    if (r.text !== undefined && r.text !== null) {
      var text = r.text;
      if (/^\s*[[{]/.test(text)) {
        try {
          text = JSON.stringify(JSON.parse(text), null, 2);
        } catch {
          // not JSON: shown as sent
        }
      }
      if (r.tcut) text += '\n… ' + r.tcut + ' more bytes not kept';
      var pre = el('pre', 'text', text);
      pre.id = 'detail-text';
      section(r.k === 'http' ? 'Headers' : 'Decoded text', pre);
    }
    if (r.line) section('tcpdump', el('pre', '', r.line));
    var cut = r.cut ? '\n… ' + r.cut + ' more bytes not kept' : '';
    if (r.wire) {
      var title = r.mask
        ? 'Wire bytes (masked, as tcpdump shows them)'
        : r.k === 'ws' || r.k === 'ctl'
          ? 'Wire bytes (payload)'
          : 'Wire bytes (IP packet)';
      section(title, el('pre', 'hex-wire', hexDump(r.wire, r.mask) + cut));
    }
    if (r.plain)
      section(r.mask ? 'Unmasked payload' : 'Payload', el('pre', 'hex-plain', hexDump(r.plain) + cut));
  }

  window.wirechatDetail = { render: render, hexDump: hexDump };
})();
