/* global window, document */
// The ladder page's header, inlined before html-ladder-client.js: the capture's name and
// summary, the filters (connection, how much TCP, a labelled search) and the keyboard's help.
(function () {
  'use strict';

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** The header and its controls; `keyList` is [[key, what it does], …]. */
  function build(data, keyList) {
    var rows = data.rows;
    var header = el('header');
    var h1 = el('h1', '', data.title);
    header.appendChild(h1);
    if (data.source && data.source !== data.title) header.appendChild(el('span', 'src', data.source));
    var s = data.summary;
    if (s) {
      header.appendChild(
        el(
          'span',
          'stats',
          s.packets +
            ' packets · ' +
            s.connections +
            ' connections (' +
            s.websocketConnections +
            ' WebSocket) · ' +
            s.messages.client +
            ' messages from clients, ' +
            s.messages.server +
            ' from servers · ' +
            s.problems +
            ' problems',
        ),
      );
    }
    var connSel = el('select');
    connSel.id = 'conn-filter';
    connSel.appendChild(new window.Option('all connections', ''));
    var conns = {};
    rows.forEach(function (r) {
      if (r.c !== null && !(r.c in conns)) conns[r.c] = data.lanes[r.s].name + ' ↔ ' + data.lanes[r.d].name;
    });
    Object.keys(conns).forEach(function (c) {
      connSel.appendChild(new window.Option('connection ' + c + ': ' + conns[c], c));
    });
    var tcpSel = el('select');
    tcpSel.id = 'tcp-filter';
    var TCP_LEVELS = [
      ['none', 'messages only'],
      ['hs', 'messages + handshake, FIN, RST'],
      ['all', 'every TCP packet'],
    ];
    TCP_LEVELS.forEach(function (o) {
      tcpSel.appendChild(new window.Option(o[1], o[0]));
    });
    // The conversation first: every data packet's arrow would double its message's. A capture
    // with no HTTP or WebSocket at all has nothing else to show, so it starts with its packets.
    var hasMessages = rows.some(function (r) {
      return r.k === 'ws' || r.k === 'http' || r.k === 'ctl';
    });
    tcpSel.value = hasMessages ? 'none' : rows.length > 400 ? 'hs' : 'all';
    var find = el('input');
    find.id = 'find';
    find.type = 'search';
    find.placeholder = 'find text…';
    var l1 = el('label', '', 'show ');
    l1.appendChild(connSel);
    var l2 = el('label', '', 'TCP ');
    l2.appendChild(tcpSel);
    var l3 = el('label', '', 'Search ');
    l3.id = 'find-label';
    l3.appendChild(find);
    header.appendChild(l1);
    header.appendChild(l2);
    header.appendChild(l3);
    var count = el('span', 'stats');
    header.appendChild(count);
    // The keyboard, documented where it is used.
    var keys = el('details');
    keys.id = 'keys';
    keys.appendChild(el('summary', '', 'Keyboard'));
    var dl = el('dl');
    keyList.forEach(function (k) {
      dl.appendChild(el('dt', '', k[0]));
      dl.appendChild(el('dd', '', k[1]));
    });
    keys.appendChild(dl);
    header.appendChild(keys);
    return { header: header, connSel: connSel, tcpSel: tcpSel, levels: TCP_LEVELS, find: find, count: count };
  }

  window.wirechatHeader = { build: build };
})();
