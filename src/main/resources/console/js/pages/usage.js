// Usage of the client over time, from the stats API: messages sent, delivered, read, failed and
// received, and webhook deliveries, per hour for the last day or per day for the last month.

import { api, clientPath } from '../api.js';
import { h, mount, errorBox } from '../dom.js';

const SERIES = [
  ['sent', 'Sent', '#0b6e5f'], ['received', 'Received', '#3b82f6'], ['failed', 'Failed', '#c2410c'],
  ['webhookDelivered', 'Webhooks delivered', '#7c3aed'], ['webhookFailed', 'Webhooks failed', '#b91c1c'],
];
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  el.append(...children);
  return el;
}

/** Grouped bars, one group per bucket, scaled to the largest count; each bar has a title with its value. */
function chart(items, bucket) {
  const width = 960, height = 240, pad = 28;
  const max = Math.max(1, ...items.flatMap(i => SERIES.map(([k]) => i[k] || 0)));
  const group = (width - pad) / Math.max(1, items.length);
  const bar = Math.max(1, group / (SERIES.length + 1));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height + 20}`, class: 'chart', role: 'img',
    'aria-label': `Messages per ${bucket}` });
  root.append(svg('text', { x: 0, y: 12, class: 'chart-axis' }, String(max)));
  root.append(svg('line', { x1: pad, y1: height, x2: width, y2: height, class: 'chart-base' }));
  items.forEach((item, i) => {
    SERIES.forEach(([key, label, color], s) => {
      const value = item[key] || 0;
      const barHeight = Math.round((value / max) * (height - 16));
      const rect = svg('rect', { x: pad + i * group + s * bar, y: height - barHeight, width: bar, height: barHeight, fill: color });
      rect.append(svg('title', {}, `${label}: ${value} (${new Date(item.t).toLocaleString()})`));
      root.append(rect);
    });
    if (items.length <= 31 || i % Math.ceil(items.length / 12) === 0) {
      const d = new Date(item.t);
      root.append(svg('text', { x: pad + i * group, y: height + 16, class: 'chart-axis' },
        bucket === 'hour' ? `${d.getHours()}h` : `${d.getDate()}/${d.getMonth() + 1}`));
    }
  });
  return root;
}

export default {
  id: 'usage', title: 'Usage', icon: '▤', needsClient: true,
  render(el, ctx) {
    const range = h('select', { 'data-testid': 'usage-range', 'aria-label': 'Range' },
      h('option', { value: 'hour' }, 'Last 24 hours, per hour'), h('option', { value: 'day' }, 'Last 30 days, per day'));
    const totals = h('div', { class: 'stats' });
    const plot = h('section', { class: 'card' });
    mount(el, h('div', { class: 'row' }, range), totals, plot);
    const load = async () => {
      const bucket = range.value;
      const since = new Date(Date.now() - (bucket === 'hour' ? 24 * 3600e3 : 30 * 86400e3)).toISOString();
      try {
        const data = await api('GET', `${clientPath(ctx.clientId)}/stats?bucket=${bucket}&since=${encodeURIComponent(since)}`);
        const sum = key => data.items.reduce((n, i) => n + (i[key] || 0), 0);
        mount(totals, SERIES.map(([key, label, color]) => h('div', { class: 'stat', 'data-testid': `usage-${key}` },
          h('span', { class: 'stat-label' }, svg('svg', { width: 10, height: 10, 'aria-hidden': 'true' },
            svg('circle', { cx: 5, cy: 5, r: 5, fill: color })), ' ', label),
          h('div', { class: 'stat-value' }, String(sum(key))))));
        mount(plot, h('div', { 'data-testid': 'usage-chart', 'data-buckets': String(data.items.length) },
          chart(data.items, bucket)));
      } catch (e) {
        mount(plot, errorBox(e));
      }
    };
    range.addEventListener('change', load);
    load();
    const timer = setInterval(load, 60_000);
    return () => clearInterval(timer);
  },
};
