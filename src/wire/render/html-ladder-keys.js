/* global window, document */
// The ladder page's keyboard, deep links and "copy as JSON", inlined after html-ladder-rows.js
// and before html-ladder-client.js, which wires them to the diagram.
(function () {
  'use strict';

  /** The keys the page answers, as the page's own help lists them. */
  var KEYS = [
    ['↓ or j', 'next row'],
    ['↑ or k', 'previous row'],
    ['Page Down / Page Up', 'a screenful down / up'],
    ['Home / End', 'first / last row'],
    ['/', 'search'],
    ['Esc', 'leave the search box (again: clear it)'],
    ['t', 'TCP packets: messages only → handshakes → every packet'],
    ['c', 'copy the selected row as JSON'],
    ['#packet-N', 'in the address: select packet N (links to a row)'],
  ];

  /** "#packet-123" → 123; anything else → null. */
  function packetOfHash(hash) {
    var m = /^#packet-(\d{1,15})$/.exec(hash || '');
    return m ? Number(m[1]) : null;
  }

  /** The selected row as one JSON document: what it is, between whom, and its decoded content. */
  function rowJson(data, r) {
    var out = {
      packet: r.p,
      connection: r.c,
      time: new Date(r.t * 1000).toISOString(),
      ts: r.t,
      from: data.lanes[r.s] ? data.lanes[r.s].name : null,
      to: data.lanes[r.d] ? data.lanes[r.d].name : null,
      direction: r.f === 'c' ? 'client → server' : r.f === 's' ? 'server → client' : null,
      kind: r.k,
      label: r.l,
      explanation: r.x,
    };
    if (r.text !== undefined && r.text !== null) {
      out.text = r.text;
      if (/^\s*[[{]/.test(r.text)) {
        try {
          out.json = JSON.parse(r.text);
        } catch {
          // not JSON: the text says it all
        }
      }
      if (r.tcut) out.textBytesNotKept = r.tcut;
    }
    if (r.line) out.tcpdump = r.line;
    if (r.mask) out.mask = r.mask;
    if (r.wire) out.wireHex = r.wire;
    if (r.plain) out.payloadHex = r.plain;
    if (r.cut) out.bytesNotKept = r.cut;
    return JSON.stringify(out, null, 2);
  }

  /** Puts text on the clipboard; the page may be a file, where the async clipboard can refuse. */
  function copyText(text) {
    function fallback() {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      area.remove();
      return ok ? Promise.resolve() : Promise.reject(new Error('the browser refused to copy'));
    }
    if (window.navigator.clipboard && window.isSecureContext) {
      return window.navigator.clipboard.writeText(text).catch(fallback);
    }
    return fallback();
  }

  window.wirechatKeys = { KEYS: KEYS, packetOfHash: packetOfHash, rowJson: rowJson, copyText: copyText };
})();
