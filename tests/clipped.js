() => {
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
  return [...new Set(out)];
}
