// Built-in dashboards: fetches each dashboard's chart data (already reduced to series and axes by
// the server) and draws it as SVG. No libraries, no network access beyond this server. The layout
// constants and mark rules mirror SvgCharts.java, which draws the same charts for the exports;
// every chart's <svg> carries data-points, the number of marks drawn.
(function () {
  'use strict';
  const NS = 'http://www.w3.org/2000/svg';
  const W = 640, LEFT = 56, RIGHT = 16, TOP = 12, PLOT_BOTTOM = 256, LEGEND_TOP = 296, LEGEND_ROW = 18,
    LEGEND_COLUMNS = 4, TABLE_ROW = 22, SCALAR_HEIGHT = 120;
  const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777', '#65a30d',
    '#475569', '#ea580c'];

  const root = document.getElementById('dashboard');
  if (!root) {
    return;
  }
  const dashboardId = root.dataset.dashboardId;
  const refreshMillis = Math.max(1000, parseInt(root.dataset.refreshMillis, 10) || 10000);
  const picker = document.getElementById('range-picker');
  const custom = picker.querySelector('.custom');
  const statusLine = document.getElementById('status');
  const state = { range: root.dataset.defaultRange || '1h', start: null, end: null };
  let generation = 0;
  let timer = null;
  let loads = 0;

  readHash();

  picker.addEventListener('click', function (e) {
    const button = e.target.closest('button[data-range]');
    if (!button) {
      return;
    }
    if (button.dataset.range === 'custom') {
      custom.hidden = false;
      const end = state.end ? new Date(state.end) : new Date();
      const start = state.start ? new Date(state.start) : new Date(end.getTime() - 3600e3);
      picker.elements.start.value = toLocalInput(start);
      picker.elements.end.value = toLocalInput(end);
      markPressed('custom');
      return;
    }
    custom.hidden = true;
    state.range = button.dataset.range;
    state.start = state.end = null;
    changed();
  });

  picker.addEventListener('submit', function (e) {
    e.preventDefault();
    const start = new Date(picker.elements.start.value);
    const end = new Date(picker.elements.end.value);
    if (isNaN(start) || isNaN(end) || start >= end) {
      showStatus('Custom range: the start must be before the end', true);
      return;
    }
    state.range = 'custom';
    state.start = start.toISOString();
    state.end = end.toISOString();
    changed();
  });

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) {
      load();
    }
  });

  markPressed(state.range);
  load();

  function changed() {
    history.replaceState(null, '', '#' + query());
    markPressed(state.range);
    load();
  }

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.get('start') && params.get('end')) {
      state.range = 'custom';
      state.start = params.get('start');
      state.end = params.get('end');
    } else if (params.get('range')) {
      state.range = params.get('range');
    }
  }

  function query() {
    return state.range === 'custom'
      ? 'start=' + encodeURIComponent(state.start) + '&end=' + encodeURIComponent(state.end)
      : 'range=' + encodeURIComponent(state.range);
  }

  function markPressed(range) {
    picker.querySelectorAll('button[data-range]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.dataset.range === range));
    });
  }

  function load() {
    const mine = ++generation;
    const q = query();
    clearTimeout(timer);
    fetch('../api/v1/dashboards/' + encodeURIComponent(dashboardId) + '/data?' + q, { cache: 'no-store' })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) {
            throw new Error(body.error ? body.error.message : 'HTTP ' + r.status);
          }
          return body;
        });
      })
      .then(function (data) {
        if (mine !== generation) {
          return;
        }
        data.charts.forEach(drawChart);
        document.querySelectorAll('a.export').forEach(function (a) {
          a.href = '../api/v1/dashboards/' + encodeURIComponent(dashboardId) + '/export?format='
            + a.dataset.format + '&' + q;
        });
        loads++;
        root.dataset.loads = String(loads);
        root.dataset.loadedQuery = q;
        showStatus(describe(data), false);
      })
      .catch(function (e) {
        if (mine === generation) {
          showStatus('Could not load the data: ' + e.message, true);
        }
      })
      .finally(function () {
        if (mine === generation) {
          timer = setTimeout(function () {
            if (!document.hidden) {
              load();
            }
          }, refreshMillis);
        }
      });
  }

  function describe(data) {
    const start = new Date(data.range.start), end = new Date(data.range.end);
    return (state.range === 'custom' ? 'Custom range' : 'Last ' + state.range) + ' · '
      + start.toLocaleString() + ' to ' + end.toLocaleString() + ' · updated '
      + new Date().toLocaleTimeString() + ' · refreshes every ' + Math.round(refreshMillis / 1000) + ' s';
  }

  function showStatus(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle('error', isError);
  }

  function drawChart(chart) {
    let section = root.querySelector('section[data-chart-id="' + CSS.escape(chart.id) + '"]');
    if (!section) {
      section = addSection(chart); // added to the dashboard since the page was served
    }
    const plot = section.querySelector('.plot');
    plot.replaceChildren(render(chart));
    section.querySelector('.note').textContent = (chart.truncated
      ? 'showing ' + chart.series.length + ' of ' + chart.groups_total + ' groups · ' : '')
      + chart.function + '(' + chart.metric + ')'
      + (chart.step_millis ? ' per ' + formatDuration(chart.step_millis) : '')
      + (chart.sources.length ? ' · from ' + chart.sources.join(', ') : '');
  }

  function addSection(chart) {
    const section = document.createElement('section');
    section.className = 'chart';
    section.dataset.chartId = chart.id;
    section.dataset.type = chart.type;
    const title = document.createElement('h2');
    title.textContent = chart.name;
    section.appendChild(title);
    if (chart.description) {
      const description = document.createElement('p');
      description.className = 'muted';
      description.textContent = chart.description;
      section.appendChild(description);
    }
    const plot = document.createElement('div');
    plot.className = 'plot';
    const note = document.createElement('p');
    note.className = 'note muted';
    section.append(plot, note);
    const empty = root.querySelector(':scope > p.empty');
    if (empty) {
      empty.remove();
    }
    root.appendChild(section);
    return section;
  }

  function height(chart) {
    if (chart.type === 'scalar') {
      return SCALAR_HEIGHT;
    }
    if (chart.type === 'table') {
      return TOP + TABLE_ROW * (chart.series.length + 1) + 8;
    }
    return LEGEND_TOP + LEGEND_ROW * Math.max(1, Math.ceil(chart.series.length / LEGEND_COLUMNS)) - 4;
  }

  function render(chart) {
    const h = height(chart);
    const svg = el('svg', { class: 'chart-svg', viewBox: '0 0 ' + W + ' ' + h, role: 'img',
      'aria-label': chart.name, 'data-type': chart.type });
    let points = 0;
    if (chart.series.length === 0) {
      text(svg, W / 2, Math.min(h, PLOT_BOTTOM) / 2, 'No data in this range',
        { 'text-anchor': 'middle', fill: '#64748b', class: 'empty' });
    } else if (chart.type === 'line' || chart.type === 'area') {
      points = lines(svg, chart);
    } else if (chart.type === 'bar') {
      points = bars(svg, chart);
    } else if (chart.type === 'pie') {
      points = pie(svg, chart);
    } else if (chart.type === 'table') {
      points = table(svg, chart);
    } else {
      points = scalar(svg, chart);
    }
    svg.setAttribute('data-points', String(points));
    return svg;
  }

  function lines(svg, chart) {
    axes(svg, chart);
    const area = chart.type === 'area';
    const base = yScale(chart, Math.max(chart.y.min, Math.min(0, chart.y.max)));
    let total = 0;
    chart.series.forEach(function (s, i) {
      const color = PALETTE[i % PALETTE.length];
      let d = '', fill = '', open = false, firstX = 0, lastX = 0, n = 0;
      s.points.forEach(function (p) {
        if (p[1] === null) {
          if (open && area) {
            fill += ' L' + r(lastX) + ',' + r(base) + ' L' + r(firstX) + ',' + r(base) + ' Z';
          }
          open = false;
          return;
        }
        const px = xScale(chart, p[0]), py = yScale(chart, p[1]);
        d += (open ? ' L' : ' M') + r(px) + ',' + r(py);
        fill += (open ? ' L' : ' M') + r(px) + ',' + r(py);
        if (!open) {
          firstX = px;
        }
        lastX = px;
        open = true;
        n++;
      });
      if (open && area) {
        fill += ' L' + r(lastX) + ',' + r(base) + ' L' + r(firstX) + ',' + r(base) + ' Z';
      }
      if (area && n > 0) {
        el('path', { class: 'area', d: fill.trim(), fill: color, 'fill-opacity': '0.2', stroke: 'none' }, svg);
      }
      el('path', { class: 'series', 'data-points': String(n), 'data-label': s.label, d: d.trim(), fill: 'none',
        stroke: color, 'stroke-width': '2', 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }, svg);
      total += n;
    });
    legend(svg, chart);
    return total;
  }

  function bars(svg, chart) {
    axes(svg, chart);
    const groups = chart.series.length;
    const zero = yScale(chart, Math.max(chart.y.min, Math.min(0, chart.y.max)));
    let total = 0;
    chart.series.forEach(function (s, i) {
      const g = el('g', { class: 'series', 'data-label': s.label, fill: PALETTE[i % PALETTE.length] }, svg);
      s.points.forEach(function (p) {
        if (p[1] === null) {
          return;
        }
        let slotX, slotW;
        if (chart.time_axis) {
          slotX = xScale(chart, p[0]);
          slotW = xScale(chart, p[0] + chart.step_millis) - slotX;
          slotX += slotW * 0.1 + slotW * 0.8 / groups * i;
          slotW = slotW * 0.8 / groups;
        } else {
          slotW = (W - LEFT - RIGHT) / groups;
          slotX = LEFT + slotW * i + slotW * 0.15;
          slotW *= 0.7;
        }
        const py = yScale(chart, p[1]);
        const rect = el('rect', { x: r(slotX), y: r(Math.min(py, zero)), width: r(Math.max(slotW, 0.5)),
          height: r(Math.abs(zero - py)) }, g);
        el('title', {}, rect).textContent = s.label + ': ' + formatValue(p[1]);
        total++;
      });
    });
    legend(svg, chart);
    return total;
  }

  function pie(svg, chart) {
    const values = chart.series.map(function (s) { return s.points[0][1]; });
    const total = values.reduce(function (a, v) { return a + (v !== null && v > 0 ? v : 0); }, 0);
    const cx = W / 2, cy = (TOP + PLOT_BOTTOM + 20) / 2, rad = (PLOT_BOTTOM + 20 - TOP) / 2 - 4;
    const g = el('g', { class: 'slices' }, svg);
    let angle = -Math.PI / 2, slices = 0;
    values.forEach(function (v, i) {
      if (total <= 0 || v === null || v <= 0) {
        return;
      }
      const color = PALETTE[i % PALETTE.length];
      const sweep = v / total * 2 * Math.PI;
      let shape;
      if (sweep >= 2 * Math.PI - 1e-9) {
        shape = el('circle', { class: 'slice', cx: r(cx), cy: r(cy), r: r(rad), fill: color }, g);
      } else {
        const x1 = cx + rad * Math.cos(angle), y1 = cy + rad * Math.sin(angle);
        const x2 = cx + rad * Math.cos(angle + sweep), y2 = cy + rad * Math.sin(angle + sweep);
        shape = el('path', { class: 'slice', d: 'M' + r(cx) + ',' + r(cy) + ' L' + r(x1) + ',' + r(y1) + ' A' + r(rad)
          + ',' + r(rad) + ' 0 ' + (sweep > Math.PI ? 1 : 0) + ' 1 ' + r(x2) + ',' + r(y2) + ' Z', fill: color,
          stroke: '#fff' }, g);
      }
      el('title', {}, shape).textContent = chart.series[i].label + ': ' + formatValue(v);
      angle += sweep;
      slices++;
    });
    legend(svg, chart);
    return slices;
  }

  function table(svg, chart) {
    const g = el('g', { class: 'table', 'font-size': '13' }, svg);
    let y = TOP + TABLE_ROW - 6;
    text(g, 8, y, chart.group_by || 'series', { 'font-weight': 'bold' });
    text(g, W - 120, y, chart.function, { 'text-anchor': 'end', 'font-weight': 'bold' });
    text(g, W - 8, y, 'points', { 'text-anchor': 'end', 'font-weight': 'bold' });
    chart.series.forEach(function (s) {
      y += TABLE_ROW;
      const p = s.points[0];
      const row = el('g', { class: 'row' }, g);
      el('line', { x1: 0, x2: W, y1: y - 16, y2: y - 16, stroke: '#e2e8f0' }, row);
      text(row, 8, y, s.label, {});
      text(row, W - 120, y, p[1] === null ? '–' : formatValue(p[1]), { 'text-anchor': 'end' });
      text(row, W - 8, y, String(p[2]), { 'text-anchor': 'end' });
    });
    return chart.series.length;
  }

  function scalar(svg, chart) {
    const p = chart.series[0].points[0];
    text(svg, W / 2, 72, p[1] === null ? '–' : formatValue(p[1]),
      { class: 'scalar', 'text-anchor': 'middle', 'font-size': '48', 'font-weight': 'bold' });
    text(svg, W / 2, 104, chart.series[0].label + ' · ' + p[2] + ' points', { 'text-anchor': 'middle', fill: '#64748b' });
    return p[1] === null ? 0 : 1;
  }

  function axes(svg, chart) {
    const g = el('g', { class: 'axis', 'font-size': '11', fill: '#64748b' }, svg);
    chart.y.ticks.forEach(function (t) {
      const py = yScale(chart, t);
      el('line', { x1: LEFT, x2: W - RIGHT, y1: r(py), y2: r(py), stroke: '#e2e8f0' }, g);
      text(g, LEFT - 6, r(py + 4), formatValue(t), { 'text-anchor': 'end' });
    });
    if (chart.time_axis) {
      const days = chart.x.max - chart.x.min > 2 * 86400e3;
      chart.x.ticks.forEach(function (t) {
        const d = new Date(t);
        const label = (days ? (d.getMonth() + 1) + '/' + d.getDate() + ' ' : '')
          + String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
        text(g, r(xScale(chart, t)), PLOT_BOTTOM + 18, label, { 'text-anchor': 'middle' });
      });
    }
  }

  function legend(svg, chart) {
    const g = el('g', { class: 'legend', 'font-size': '12' }, svg);
    const columnWidth = (W - 16) / LEGEND_COLUMNS;
    chart.series.forEach(function (s, i) {
      const lx = 8 + (i % LEGEND_COLUMNS) * columnWidth, ly = LEGEND_TOP + Math.floor(i / LEGEND_COLUMNS) * LEGEND_ROW;
      el('rect', { x: lx, y: ly - 10, width: 10, height: 10, fill: PALETTE[i % PALETTE.length] }, g);
      text(g, lx + 14, ly, s.label.length > 22 ? s.label.slice(0, 21) + '…' : s.label, {});
    });
  }

  function xScale(chart, t) {
    return LEFT + (t - chart.x.min) / (chart.x.max - chart.x.min) * (W - RIGHT - LEFT);
  }

  function yScale(chart, v) {
    return PLOT_BOTTOM + (v - chart.y.min) / (chart.y.max - chart.y.min) * (TOP - PLOT_BOTTOM);
  }

  function el(name, attrs, parent) {
    const node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  function text(parent, x, y, content, attrs) {
    const node = el('text', Object.assign({ x: x, y: y }, attrs), parent);
    node.textContent = content;
    return node;
  }

  function r(v) {
    return Math.round(v * 10) / 10;
  }

  function formatValue(v) {
    const a = Math.abs(v);
    const trim = function (s) { return s.indexOf('.') >= 0 ? s.replace(/0+$/, '').replace(/\.$/, '') : s; };
    if (a >= 1e9) { return trim((v / 1e9).toFixed(2)) + 'G'; }
    if (a >= 1e6) { return trim((v / 1e6).toFixed(2)) + 'M'; }
    if (a >= 1e4) { return trim((v / 1e3).toFixed(1)) + 'k'; }
    return trim(v.toFixed(a >= 100 ? 1 : 2));
  }

  function formatDuration(ms) {
    if (ms % 86400e3 === 0) { return ms / 86400e3 + 'd'; }
    if (ms % 3600e3 === 0) { return ms / 3600e3 + 'h'; }
    if (ms % 60e3 === 0) { return ms / 60e3 + 'm'; }
    return ms / 1e3 + 's';
  }

  function toLocalInput(d) {
    const pad = function (n) { return String(n).padStart(2, '0'); };
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':'
      + pad(d.getMinutes());
  }
})();
