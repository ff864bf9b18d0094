(options) => {
  const out = [];
  const cut = (e) => e.scrollWidth > e.clientWidth + 1;
  document.querySelectorAll('[data-testid=stMetricLabel]').forEach(l => {
    l.querySelectorAll('*').forEach(x => { if (cut(x) && getComputedStyle(x).overflow !== 'visible') out.push('metric: ' + l.innerText.slice(0, 60)); });
  });
  document.querySelectorAll('[data-testid=stDataFrame], [data-testid=stDataFrameResizable]').forEach(d => {
    const s = d.querySelector('.dvn-scroller');
    if (s && cut(s)) out.push('dataframe wider than its frame: ' + Math.round(s.scrollWidth) + ' > ' + s.clientWidth + ' cols: ' + [...d.querySelectorAll('th, [role=columnheader]')].map(h => h.innerText).slice(0, 12).join('|'));
  });
  document.querySelectorAll('[data-testid=stTable] table').forEach(t => { if (cut(t.parentElement)) out.push('table cut'); });
  document.querySelectorAll('[data-testid=stWidgetLabel] p, [data-testid=stMarkdownContainer] p, h1, h2, h3').forEach(x => {
    if (cut(x) && getComputedStyle(x).overflow !== 'visible') out.push('text cut: ' + x.innerText.slice(0, 60));
  });
  if (options && options.cells) {
    // A button's label cut with an ellipsis ("Dow…"): its text is wider than the box it is drawn in.
    document.querySelectorAll('button [data-testid=stMarkdownContainer]').forEach(x => {
      const text = document.createRange();
      text.selectNodeContents(x);
      if (text.getBoundingClientRect().width > x.getBoundingClientRect().width + 0.5) out.push('button cut: ' + x.innerText.slice(0, 40));
    });
    // The grid draws its cells on a canvas: each visible cell's text (the grid's accessible table) is measured
    // in the grid's own font against its column's width (the grid's React props), wrapped where the row's
    // height lets it wrap (Streamlit wraps only in rows taller than 4 rem; lines 1.4 × the font size apart).
    const ctx = document.createElement('canvas').getContext('2d');
    document.querySelectorAll('[data-testid=stDataFrame]').forEach(d => {
      const c = d.querySelector('canvas[data-testid=data-grid-canvas]');
      if (!c) return;
      let f = c[Object.keys(c).find(k => k.startsWith('__reactFiber'))], cols = null, rowHeight = null;
      for (let i = 0; f && i < 40 && !(cols && rowHeight); i++, f = f.return) {
        const p = f.memoizedProps || {};
        if (!cols && p.columns) cols = p.columns;
        if (!rowHeight && typeof p.rowHeight === 'number') rowHeight = p.rowHeight;
      }
      if (!cols) { out.push('grid without its column widths'); return; }
      const style = getComputedStyle(d.querySelector('.stDataFrameGlideDataEditor') || d);
      const family = style.getPropertyValue('--gdg-font-family');
      const base = style.getPropertyValue('--gdg-base-font-style'), head = style.getPropertyValue('--gdg-header-font-style');
      const pad = parseFloat(style.getPropertyValue('--gdg-cell-horizontal-padding')) || 8;
      const vpad = parseFloat(style.getPropertyValue('--gdg-cell-vertical-padding')) || 3;
      const size = parseFloat(base.trim().split(' ').pop()) || 14;
      const lines = rowHeight && rowHeight > 64 ? Math.floor(1 + (rowHeight - vpad - size) / (1.4 * size)) : 1;
      const wrapped = (text, room) => {  // greedy word wrap, a word wider than the room broken where it must be
        let n = 1, line = '';
        for (const word of text.split(/\s+/)) {
          const next = line ? line + ' ' + word : word;
          if (!line || ctx.measureText(next).width <= room) { line = next; } else { n += 1; line = word; }
          while (ctx.measureText(line).width > room && line.length > 1) { n += 1; line = line.slice(Math.ceil(line.length / 2)); }
        }
        return n;
      };
      const fits = (text, width, font, rows) => {
        ctx.font = font + ' ' + family;
        const room = width - 2 * pad + 0.5;
        return rows > 1 ? wrapped(text, room) <= rows : ctx.measureText(text).width <= room;
      };
      c.querySelectorAll('th[role=columnheader]').forEach(th => {
        const col = cols[+th.getAttribute('aria-colindex') - 1];
        if (col && !fits(th.innerText.trim(), col.width, head, 1)) out.push('header cut: ' + th.innerText.slice(0, 40));
      });
      c.querySelectorAll('td').forEach(td => {
        const col = cols[+td.getAttribute('aria-colindex') - 1], text = td.innerText.trim();
        if (col && text && !fits(text, col.width, base, lines)) out.push('cell cut: ' + col.title + ': ' + text.slice(0, 60));
      });
    });
  }
  return [...new Set(out)];
}
