/* global window */
// The ladder page's row kit, inlined just before html-ladder-client.js: puts back what rows left
// out of the page for this script to rebuild (html-row-compact.ts does the leaving out), and
// words the banner for a page that the view's limits cut (html-ladder.ts).
(function () {
  'use strict';

  // The same as labelOf in html-row-compact.ts.
  function labelOf(text) {
    var head = text.slice(0, 400).replace(/\s+/g, ' ');
    if (text.length > 400 && head.length <= 56) return head + '…';
    return head.length > 56 ? head.slice(0, 55) + '…' : head;
  }

  /** Labels that are the start of the text; captions that are one of the explanation lines. */
  function expand(rows) {
    rows.forEach(function (r) {
      if (r.lt) r.l = labelOf(r.text);
      if (r.ci !== undefined) r.cap = r.x[r.ci];
      if (r.ct) r.cap = labelOf(r.text);
    });
  }

  function hex(b) {
    var out = '';
    for (var i = 0; i < b.length; i++) out += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return out;
  }

  /** A one-frame text message's hex views: its text's UTF-8, masked again with the frame's key
   * (its first `wl` bytes, as the decoder kept them) for the wire view. */
  function rebuildHex(r, lim) {
    var n = lim.maxBytesPerRow;
    var bytes = new window.TextEncoder().encode(r.text.slice(0, n)).subarray(0, n);
    if (r.mask) {
      var masked = new Uint8Array(Math.min(bytes.length, r.wl === undefined ? bytes.length : r.wl));
      for (var i = 0; i < masked.length; i++)
        masked[i] = bytes[i] ^ parseInt(r.mask.substr((i & 3) * 2, 2), 16);
      r.plain = hex(bytes);
      r.wire = hex(masked);
    } else r.wire = hex(bytes);
    r.hx = 0;
  }

  /** The banner's words when the page's limits left rows, or their text and bytes, out. */
  function limitsText(d) {
    var lim = d.limits;
    if (!lim || (!d.dropped && !lim.bareFrom)) return '';
    var size = function (n) {
      return n >= 1048576 ? (n / 1048576).toFixed(0) + ' MB' : Math.round(n / 1024) + ' KB';
    };
    var at = function (f) {
      return (f.p !== null ? 'packet ' + f.p : 'the event') + ' at ' + new Date(f.t * 1000).toISOString();
    };
    var parts = [];
    if (d.dropped)
      parts.push(
        'This page shows the first ' +
          d.rows.length +
          ' rows of the capture; the ' +
          d.dropped +
          ' rows from ' +
          at(lim.firstDropped) +
          ' on are not in it (the page keeps at most ' +
          lim.maxRows +
          ' rows and ' +
          size(lim.maxPageBytes) +
          ' of row data, so a browser can open it).',
      );
    if (lim.bareFrom)
      parts.push(
        'From ' +
          at(lim.bareFrom) +
          ' on, rows keep their explanations but no text or bytes (' +
          size(lim.maxTotalChars) +
          ' of text and hex per page).',
      );
    parts.push(
      'To see the rest, narrow the capture (--port, --host) or split it (editcap -c) and read each part.',
    );
    return parts.join(' ');
  }

  window.wirechatRows = { expand: expand, rebuildHex: rebuildHex, limitsText: limitsText };
})();
