/* global document, window */
// The ladder page's script (inlined into the page by html-ladder.ts). Reads the embedded JSON,
// draws only the rows in view (so 100,000 arrows scroll smoothly), and shows a row's details on
// click. Every captured string goes in through textContent, never as markup.
(function () {
  'use strict';
  var ROW = 46;
  var TIME_COL = 118;
  var SVGNS = 'http://www.w3.org/2000/svg';
  var data = JSON.parse(document.getElementById('wirechat-data').textContent);
  var rows = data.rows;
  var lim = data.limits || {};

  // Fields rows left out for this script to rebuild (html-ladder-rows.js, inlined before it).
  var rowsKit = window.wirechatRows;
  rowsKit.expand(rows);
  // Keyboard, deep links and copy as JSON (html-ladder-keys.js, inlined before this script).
  var keysKit = window.wirechatKeys;
  // The selected row's panel and the header (html-ladder-detail.js, html-ladder-header.js).
  var detailKit = window.wirechatDetail;
  var colors = { c: 'var(--client)', s: 'var(--server)' };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Page skeleton.
  var app = el('div');
  app.id = 'app';
  var top = window.wirechatHeader.build(data, keysKit.KEYS);
  var header = top.header;
  var connSel = top.connSel;
  var tcpSel = top.tcpSel;
  var TCP_LEVELS = top.levels;
  var find = top.find;
  var count = top.count;
  app.appendChild(header);
  // What the page's limits left out: a page a browser can open holds a prefix of a huge
  // capture, and says where it ends.
  var bannerText = rowsKit.limitsText(data);
  if (bannerText) {
    var banner = el('div', '', bannerText);
    banner.id = 'limits-banner';
    banner.setAttribute('role', 'status');
    app.appendChild(banner);
  }

  var main = el('main');
  var diagram = el('div');
  diagram.id = 'diagram';
  var lanesBar = el('div');
  lanesBar.id = 'lanes';
  var scroller = el('div');
  scroller.id = 'scroller';
  var canvas = el('div');
  canvas.id = 'canvas';
  scroller.appendChild(canvas);
  diagram.appendChild(lanesBar);
  diagram.appendChild(scroller);
  var detail = el('div');
  detail.id = 'detail';
  detail.appendChild(el('div', 'empty', 'Click an arrow to see its decoded text and wire bytes.'));
  main.appendChild(diagram);
  main.appendChild(detail);
  app.appendChild(main);
  document.body.appendChild(app);

  var visible = [];
  var laneOrder = [];
  var laneX = {};
  var selected = -1;
  // On a phone, labels are cut to their arrow's span (plus a little) instead of running off.
  var fitLabels = false;
  function fit(text, span, charWidth) {
    if (!fitLabels) return text;
    var n = Math.max(8, Math.floor((span + 60) / charWidth));
    return text.length > n ? text.slice(0, n - 1) + '…' : text;
  }
  var t0 = rows.length ? rows[0].t : 0;

  // Packets whose bytes were decoded into an HTTP or WebSocket row: their own arrow can fold away.
  var explained = {};
  rows.forEach(function (r) {
    if (r.p !== null && (r.k === 'ws' || r.k === 'http' || r.k === 'ctl')) explained[r.p] = true;
  });

  function keep(r) {
    if (connSel.value !== '' && String(r.c) !== connSel.value) return false;
    if (r.k === 'tcp' && tcpSel.value !== 'all') return false;
    if (r.k === 'data' && tcpSel.value === 'hs' && explained[r.p]) return false;
    if ((r.k === 'hs' || r.k === 'data') && tcpSel.value === 'none') return false;
    if (needle) {
      var hay = (r.l + '\n' + (r.text || '') + '\n' + (r.cap || '') + '\n' + r.x.join('\n')).toLowerCase();
      if (hay.indexOf(needle) < 0) return false;
    }
    return true;
  }

  // Lanes in use, servers in the middle of their clients so arrows stay short.
  function layout() {
    var used = {};
    visible.forEach(function (i) {
      used[rows[i].s] = true;
      used[rows[i].d] = true;
    });
    var clients = [];
    var servers = [];
    data.lanes.forEach(function (l, i) {
      if (!used[i]) return;
      (l.role === 'server' ? servers : clients).push(i);
    });
    var half = Math.ceil(clients.length / 2);
    laneOrder = clients.slice(0, half).concat(servers, clients.slice(half));
    // A phone's screen gets narrower lanes and no time column (the details show the time; the
    // diagram still scrolls sideways when it needs more room).
    var narrow = scroller.clientWidth < 600;
    fitLabels = narrow;
    var minStep = narrow ? 120 : 190;
    var timeCol = narrow ? 0 : TIME_COL;
    var width = Math.max(scroller.clientWidth - timeCol - 20, laneOrder.length * minStep);
    var step = laneOrder.length > 1 ? width / laneOrder.length : width;
    laneX = {};
    laneOrder.forEach(function (lane, n) {
      laneX[lane] = Math.round(timeCol + step * (n + 0.5));
    });
    canvas.style.width = timeCol + width + 20 + 'px';
    canvas.style.height = visible.length * ROW + 20 + 'px';
    lanesBar.textContent = '';
    Array.prototype.slice.call(canvas.querySelectorAll('.lane-line')).forEach(function (n) {
      n.remove();
    });
    laneOrder.forEach(function (lane) {
      var info = data.lanes[lane];
      var head = el('div', 'lane-head ' + info.role, info.name);
      head.appendChild(el('small', '', info.role === 'unknown' ? 'endpoint' : info.role));
      head.style.left = laneX[lane] + 'px';
      lanesBar.appendChild(head);
      var line = el('div', 'lane-line');
      line.style.left = laneX[lane] + 'px';
      canvas.appendChild(line);
    });
  }

  function colorOf(r) {
    if (r.k === 'problem') return 'var(--problem)';
    if (r.k === 'note') return 'var(--note)';
    if (r.k === 'tcp') return 'var(--tcp)';
    if (r.k === 'hs') return 'var(--hs)';
    if (r.k === 'tls') return 'var(--tls)';
    return colors[r.f] || 'var(--ink)';
  }

  function drawRow(pos) {
    var i = visible[pos];
    var r = rows[i];
    var div = el('div', 'row' + (i === selected ? ' sel' : ''));
    div.style.top = pos * ROW + 'px';
    div.style.height = ROW + 'px';
    div.dataset.index = String(i);
    div.dataset.kind = r.k;
    div.appendChild(el('span', 'time', '+' + (r.t - t0).toFixed(6)));
    div.title = new Date(r.t * 1000).toISOString();
    var g = svg('svg', { width: canvas.style.width.replace('px', ''), height: ROW });
    var x1 = laneX[r.s];
    var x2 = laneX[r.d];
    var color = colorOf(r);
    if (r.k === 'note' || r.k === 'problem' || r.k === 'tls' || x1 === x2) {
      var lo = Math.min(x1, x2) - 60;
      var hi = Math.max(x1, x2) + 60;
      g.appendChild(
        svg('rect', {
          x: lo,
          y: 9,
          width: hi - lo,
          height: 26,
          rx: 6,
          class: 'note-box',
          stroke: color,
          'stroke-width': 1,
        }),
      );
      g.appendChild(svg('text', { x: (lo + hi) / 2, y: 26, 'text-anchor': 'middle', fill: color }, r.l));
    } else {
      var dir = x2 > x1 ? 1 : -1;
      var thin = r.k === 'tcp';
      g.appendChild(
        svg('line', {
          x1: x1,
          y1: 24,
          x2: x2 - dir * 7,
          y2: 24,
          stroke: color,
          'stroke-width': thin ? 1.2 : r.k === 'ws' || r.k === 'http' ? 2.4 : 1.8,
          'stroke-dasharray': thin ? '4 3' : '',
        }),
      );
      g.appendChild(svg('path', { d: 'M' + x2 + ' 24 l' + -dir * 9 + ' -5 v10 z', fill: color }));
      var mid = (x1 + x2) / 2;
      var span = Math.abs(x2 - x1);
      var label = svg(
        'text',
        { x: mid, y: 18, 'text-anchor': 'middle', fill: color, class: 'lbl' },
        fit(r.l, span, 7.3),
      );
      if (r.k === 'ws' || r.k === 'http') label.setAttribute('font-weight', '600');
      g.appendChild(label);
      if (r.cap)
        g.appendChild(
          svg(
            'text',
            { x: mid, y: 39, 'text-anchor': 'middle', class: 'cap' },
            fit(r.cap.length > 80 ? r.cap.slice(0, 79) + '…' : r.cap, span, 6.2),
          ),
        );
    }
    div.appendChild(g);
    return div;
  }

  var drawn = {};
  function paint() {
    var first = Math.max(0, Math.floor(scroller.scrollTop / ROW) - 10);
    var last = Math.min(visible.length, Math.ceil((scroller.scrollTop + scroller.clientHeight) / ROW) + 10);
    var want = {};
    for (var pos = first; pos < last; pos++) want[pos] = true;
    Object.keys(drawn).forEach(function (pos) {
      if (!want[pos]) {
        drawn[pos].remove();
        delete drawn[pos];
      }
    });
    for (pos = first; pos < last; pos++) {
      if (!drawn[pos]) {
        drawn[pos] = drawRow(pos);
        canvas.appendChild(drawn[pos]);
      }
    }
  }

  var needle = '';
  function refresh() {
    needle = find.value.trim().toLowerCase();
    visible = [];
    for (var i = 0; i < rows.length; i++) if (keep(rows[i])) visible.push(i);
    Object.keys(drawn).forEach(function (pos) {
      drawn[pos].remove();
    });
    drawn = {};
    layout();
    count.textContent =
      visible.length +
      ' of ' +
      rows.length +
      ' rows' +
      (data.dropped ? ' (' + data.dropped + ' more not kept)' : '');
    paint();
  }

  /** Scrolls the diagram so the row at `pos` is in view (centred when it was not). */
  function reveal(pos) {
    var top = pos * ROW;
    if (top < scroller.scrollTop || top + ROW > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = Math.max(0, top - Math.round((scroller.clientHeight - ROW) / 2));
    }
    paint();
  }

  /** Selects packet `p` (a deep link): its message row if it has one, else its own arrow,
   * showing every row when the filters hid it. */
  function selectPacket(p) {
    var best = function () {
      var found = -1;
      visible.forEach(function (i) {
        var r = rows[i];
        if (r.p !== p) return;
        var message = r.k === 'ws' || r.k === 'http' || r.k === 'ctl';
        if (found < 0 || (message && !/^(ws|http|ctl)$/.test(rows[found].k))) found = i;
      });
      return found;
    };
    var i = best();
    if (i < 0) {
      connSel.value = '';
      find.value = '';
      tcpSel.value = 'all';
      refresh();
      i = best();
    }
    if (i < 0) {
      detail.textContent = '';
      detail.appendChild(el('div', 'empty', 'Packet ' + p + ' is not in this page.'));
      return false;
    }
    show(i);
    reveal(visible.indexOf(i));
    return true;
  }

  function show(i) {
    selected = i;
    Object.keys(drawn).forEach(function (pos) {
      drawn[pos].classList.toggle('sel', visible[pos] === i);
    });
    var r = rows[i];
    if (r.hx) rowsKit.rebuildHex(r, lim);
    detailKit.render(detail, data, r, {
      color: colorOf(r),
      copy: function (status) {
        copyRow(r, status);
      },
    });
    // The address names the selected packet, so it can be shared as a link.
    if (r.p !== null && window.location.hash !== '#packet-' + r.p) {
      try {
        window.history.replaceState(null, '', '#packet-' + r.p);
      } catch {
        // some pages (about:blank, sandboxed files) have no history to write to
      }
    }
  }

  function copyRow(r, status) {
    keysKit.copyText(keysKit.rowJson(data, r)).then(
      function () {
        status.textContent = 'copied';
      },
      function (err) {
        status.textContent = 'could not copy: ' + err.message;
      },
    );
  }

  /** Moves the selection by `step` visible rows (from the first row when nothing is selected). */
  function move(step) {
    if (!visible.length) return;
    var pos = visible.indexOf(selected);
    pos =
      pos < 0 ? (step > 0 ? 0 : visible.length - 1) : Math.min(visible.length - 1, Math.max(0, pos + step));
    show(visible[pos]);
    reveal(pos);
  }

  canvas.addEventListener('click', function (e) {
    var row = e.target.closest ? e.target.closest('.row') : null;
    if (row) show(Number(row.dataset.index));
  });
  scroller.addEventListener('scroll', function () {
    lanesBar.scrollLeft = scroller.scrollLeft;
    paint();
  });
  connSel.addEventListener('change', refresh);
  tcpSel.addEventListener('change', refresh);
  find.addEventListener('input', refresh);
  window.addEventListener('resize', refresh);
  var page = function () {
    return Math.max(1, Math.floor(scroller.clientHeight / ROW) - 1);
  };
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') {
      if (e.key === 'Escape' && e.target === find) {
        if (find.value === '') find.blur();
        else {
          find.value = '';
          refresh();
        }
        e.preventDefault();
      }
      return;
    }
    var k = e.key;
    if (k === 'ArrowDown' || k === 'j') move(1);
    else if (k === 'ArrowUp' || k === 'k') move(-1);
    else if (k === 'PageDown') move(page());
    else if (k === 'PageUp') move(-page());
    else if (k === 'Home') move(-visible.length);
    else if (k === 'End') move(visible.length);
    else if (k === '/') find.focus();
    else if (k === 't') {
      tcpSel.selectedIndex = (tcpSel.selectedIndex + 1) % TCP_LEVELS.length;
      refresh();
    } else if (k === 'c' && selected >= 0)
      copyRow(rows[selected], document.getElementById('copy-status') || el('span'));
    else return;
    e.preventDefault();
  });
  window.addEventListener('hashchange', function () {
    var p = keysKit.packetOfHash(window.location.hash);
    if (p !== null && (selected < 0 || rows[selected].p !== p)) selectPacket(p);
  });
  refresh();
  var linked = keysKit.packetOfHash(window.location.hash);
  if (linked !== null) selectPacket(linked);
})();
