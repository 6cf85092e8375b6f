// A small SVG renderer for horizontal bar charts, without dependencies. The charting libraries
// that render SVG need a DOM (d3, Observable Plot, chartist: jsdom in Node) or are heavy (vega: 27
// packages); the few "SVG bar chart" packages on npm are barely used. The charts are drawn on a card
// of their own (light, or dark when the reader's system prefers it), so they read on either
// typedoc theme and on GitHub; bar colours are the same in both and keep 3:1 against both cards.

/** @typedef {'ours' | 'peer' | 'amber' | 'purple' | 'green'} Colour */
/** @typedef {{ label: string, value: number, kind: Colour | 'bound', note?: string | undefined }} Bar */
/** @typedef {{ label: string, values: number[], note?: string }} StackedBar */
/**
 * @template B
 * @typedef {{ id: string, title: string, subtitle: string, unit: string, digits?: number, footer: string[], description: string, groups: { name: string, bars: B[] }[] }} Chart
 */

/** Fixed bar colours (each ≥ 3:1 against both cards) and the text colour drawn on each. */
export const PALETTE = {
  ours: { fill: '#2f6fdf', text: '#ffffff' },
  peer: { fill: '#6e7781', text: '#ffffff' },
  amber: { fill: '#bf8700', text: '#000000' },
  purple: { fill: '#8250df', text: '#ffffff' },
  green: { fill: '#1a7f37', text: '#ffffff' },
};
/** Card and text colours of the light and the dark card. */
export const THEMES = {
  light: { card: '#ffffff', border: '#d1d9e0', text: '#1f2328', muted: '#59636e', grid: '#d1d9e0' },
  dark: { card: '#161b22', border: '#3d444d', text: '#e6edf3', muted: '#9198a1', grid: '#3d444d' },
};
/** Layout in px; exported so a test can compute a bar's width by hand. */
export const LAYOUT = {
  width: 640,
  pad: 20,
  valueSpace: 210, // right of the longest bar, for its value text (more when a value text is longer)
  rowHeight: 38,
  barHeight: 16,
  groupHeight: 26,
  font: 13,
};

/** @type {Record<string, string>} */
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for SVG text content and attribute values.
 * @param {unknown} text
 */
export function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Rough width of text in px (0.6 em a character: enough for most sans-serif text, not all; see `wrap`). */
const textWidth = (/** @type {string} */ text, size = LAYOUT.font) => text.length * size * 0.6;
const num = (/** @type {number} */ x) => Number(x.toFixed(2)).toString();
/** A value as the chart prints it: `digits` decimals (2 unless the chart says). */
const fixed = (/** @type {{ digits?: number }} */ chart, /** @type {number} */ v) => v.toFixed(chart.digits ?? 2);

/**
 * The axis's end: the smallest round number at or above `max`, and a step that divides it into 2-6 ticks.
 * @param {number} max
 */
export function niceScale(max) {
  if (!(max > 0) || !Number.isFinite(max)) throw new Error(`chart scale: the largest value must be a positive number, got ${max}`);
  const k = 10 ** Math.floor(Math.log10(max));
  const top = /** @type {number} */ ([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * k).find((v) => v >= max * (1 - 1e-12)));
  const ticks = (/** @type {number} */ s) => Math.round((top / s) * 1e6) / 1e6;
  const step = /** @type {number} */ ([0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5].map((m) => m * k).find((s) => Number.isInteger(ticks(s)) && ticks(s) <= 6));
  return { max: top, step };
}

/**
 * The x scale: px from the plot's left edge for a value, narrowed so that each value's text
 * (`texts`: [value, text width in px]) still ends inside the card after its bar.
 * @param {number} maxValue
 * @param {[number, number][]} [texts]
 */
export function xScale(maxValue, texts = []) {
  const { max, step } = niceScale(maxValue);
  const room = LAYOUT.width - 2 * LAYOUT.pad;
  const span = Math.min(room - LAYOUT.valueSpace, ...texts.map(([v, w]) => ((room - 6 - w) * max) / v));
  return { max, step, span, px: (/** @type {number} */ v) => (v / max) * span };
}

/**
 * Splits lines longer than the card (by the width estimate) at spaces.
 * @param {string[]} lines
 * @param {number} size
 */
export function wrap(lines, size) {
  // 0.65 em: DejaVu Sans (Chromium's fallback on Linux) measured 0.63 em on a footer of digits and underscores
  const room = Math.floor((LAYOUT.width - 2 * LAYOUT.pad) / (size * 0.65));
  return lines.flatMap((line) => {
    const out = [''];
    for (const word of line.split(' ')) {
      const last = out[out.length - 1];
      if (last && last.length + 1 + word.length > room) out.push(word);
      else out[out.length - 1] = last ? `${last} ${word}` : word;
    }
    return out;
  });
}

/** Height the footer's wrapped lines take. */
const footerHeight = (/** @type {string[]} */ footer) => wrap(footer, 11).length * 16 + 10;

/** The title's and the subtitle's lines, wrapped to the card, and where the plot starts below them. */
function header(/** @type {{ title: string, subtitle: string }} */ { title, subtitle }) {
  const titles = wrap([title], 15);
  const subtitles = wrap([subtitle], LAYOUT.font);
  const first = 48 + (titles.length - 1) * 20; // the subtitle's first line
  return { titles, subtitles, first, top: first + 16 + (subtitles.length - 1) * 17 };
}

/**
 * @param {Chart<unknown>} chart
 * @param {number} height
 * @param {string[]} body
 */
function frame(chart, height, body) {
  const { id, title, footer: lines, description } = chart;
  if (typeof description !== 'string' || description === '') throw new Error(`chart ${id}: no description (the chart's text alternative)`);
  const { width } = LAYOUT;
  const head = header(chart);
  const footer = wrap(lines, 11);
  const { light, dark } = THEMES;
  const style = [
    `.card{fill:${light.card};stroke:${light.border}}.fg{fill:${light.text}}.muted{fill:${light.muted}}.grid{stroke:${light.grid}}.bound{fill:none;stroke:${light.text}}`,
    `@media (prefers-color-scheme: dark){.card{fill:${dark.card};stroke:${dark.border}}.fg{fill:${dark.text}}.muted{fill:${dark.muted}}.grid{stroke:${dark.grid}}.bound{stroke:${dark.text}}}`,
    `text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:${LAYOUT.font}px}`,
  ].join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${esc(title)}</title>`,
    `<desc id="${id}-desc">${esc(description)}</desc>`,
    `<style>${style}</style>`,
    `<rect class="card" x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="6"/>`,
    ...head.titles.map((line, i) => `<text class="fg" x="${LAYOUT.pad}" y="${28 + i * 20}" font-size="15" font-weight="600">${esc(line)}</text>`),
    ...head.subtitles.map((line, i) => `<text class="muted" x="${LAYOUT.pad}" y="${head.first + i * 17}">${esc(line)}</text>`),
    ...body,
    ...footer.map((line, i) => `<text class="muted" x="${LAYOUT.pad}" y="${height - 14 - (footer.length - 1 - i) * 16}" font-size="11">${esc(line)}</text>`),
    '</svg>',
    '',
  ].join('\n');
}

/**
 * @param {ReturnType<typeof xScale>} scale
 * @param {number} top
 * @param {number} bottom
 */
function axis(scale, top, bottom) {
  const out = [];
  for (let i = 0; i * scale.step <= scale.max * (1 + 1e-9); i++) {
    const v = i * scale.step;
    const x = LAYOUT.pad + scale.px(v);
    out.push(`<line class="grid" x1="${num(x)}" y1="${top}" x2="${num(x)}" y2="${bottom}" stroke-width="1"/>`);
    out.push(`<text class="muted" x="${num(x)}" y="${bottom + 14}" text-anchor="middle" font-size="11">${num(v)}</text>`);
  }
  return out;
}

/**
 * The plot: an axis fitted to the largest bar, then each group's name and each bar's label above
 * it, the bar as `draw(bar, top, scale)` draws it, and its total and note after it.
 * @template {{ label: string, note?: string | undefined }} B
 * @param {Chart<B>} chart
 * @param {(bar: B) => number} total
 * @param {(bar: B, top: number, scale: ReturnType<typeof xScale>) => string[]} draw
 */
function plot(chart, total, draw) {
  const bars = chart.groups.flatMap((g) => g.bars);
  /** @type {(bar: B) => string} */
  const valueText = (bar) => `${fixed(chart, total(bar))} ${chart.unit}${bar.note ? ` · ${bar.note}` : ''}`;
  const scale = xScale(
    Math.max(...bars.map(total)),
    bars.map((b) => [total(b), textWidth(valueText(b))]),
  );
  const body = [];
  const { top: plotTop } = header(chart);
  let y = plotTop;
  for (const group of chart.groups) {
    body.push(`<text class="fg" x="${LAYOUT.pad}" y="${y + 16}" font-weight="600">${esc(group.name)}</text>`);
    y += LAYOUT.groupHeight;
    for (const bar of group.bars) {
      const top = y + 18;
      const value = valueText(bar);
      body.push(`<g><title>${esc(`${bar.label}: ${value}`)}</title>`, `<text class="fg" x="${LAYOUT.pad}" y="${y + 13}">${esc(bar.label)}</text>`);
      body.push(...draw(bar, top, scale));
      body.push(`<text class="fg" x="${num(LAYOUT.pad + scale.px(total(bar)) + 6)}" y="${top + 12}">${esc(value)}</text></g>`);
      y += LAYOUT.rowHeight;
    }
  }
  body.unshift(...axis(scale, plotTop, y));
  return { body, y };
}

/**
 * A horizontal bar chart: groups of bars, each bar with its label above it and its value after it.
 * `chart`: { id, title, subtitle, unit, digits? (2), footer: string[], groups: [{ name, bars: [{ label, value,
 * note?, kind: 'ours' | 'peer' | 'bound' }] }] }. Returns the SVG text.
 * @param {Chart<Bar>} chart
 */
export function barChart(chart) {
  for (const b of chart.groups.flatMap((g) => g.bars)) {
    if (typeof b.value !== 'number' || !Number.isFinite(b.value) || b.value < 0) {
      throw new Error(`chart ${chart.id}: bar "${b.label}" has no value (${b.value})`);
    }
  }
  const { body, y } = plot(
    chart,
    (bar) => bar.value,
    (bar, top, scale) => {
      const w = scale.px(bar.value);
      return [
        bar.kind === 'bound'
          ? `<rect class="bound" x="${LAYOUT.pad + 0.75}" y="${top + 0.75}" width="${num(Math.max(w - 1.5, 0))}" height="${LAYOUT.barHeight - 1.5}" stroke-width="1.5" stroke-dasharray="5 3"/>`
          : `<rect x="${LAYOUT.pad}" y="${top}" width="${num(w)}" height="${LAYOUT.barHeight}" fill="${PALETTE[bar.kind].fill}"/>`,
      ];
    },
  );
  return frame(chart, y + 24 + footerHeight(chart.footer), body);
}

/**
 * A stacked horizontal bar chart: each bar is the sum of its parts, one colour per part name (the
 * legend). `chart`: { id, title, subtitle, unit, footer, parts: [{ name, colour }], groups: [{ name,
 * bars: [{ label, values: number[] (one per part), note? }] }] }.
 * @param {Chart<StackedBar> & { parts: { name: string, colour: Colour }[] }} chart
 */
export function stackedChart(chart) {
  for (const b of chart.groups.flatMap((g) => g.bars)) {
    if (b.values.length !== chart.parts.length || b.values.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new Error(`chart ${chart.id}: bar "${b.label}" needs ${chart.parts.length} non-negative values, got ${JSON.stringify(b.values)}`);
    }
  }
  const plotted = plot(
    chart,
    (bar) => bar.values.reduce((s, v) => s + v, 0),
    (bar, top, scale) => {
      const out = [];
      let x = LAYOUT.pad;
      for (const [i, v] of bar.values.entries()) {
        const w = scale.px(v);
        const part = /** @type {{ name: string, colour: Colour }} */ (chart.parts[i]);
        const colour = PALETTE[part.colour];
        out.push(`<g><title>${esc(`${bar.label}, ${part.name}: ${fixed(chart, v)} ${chart.unit}`)}</title>`);
        out.push(`<rect class="seg" x="${num(x)}" y="${top}" width="${num(w)}" height="${LAYOUT.barHeight}" fill="${colour.fill}"/>`);
        const label = v.toFixed(0);
        if (w >= textWidth(label, 11) + 6) {
          out.push(`<text x="${num(x + w / 2)}" y="${top + 12}" text-anchor="middle" font-size="11" fill="${colour.text}">${label}</text>`);
        }
        out.push('</g>');
        x += w;
      }
      return out;
    },
  );
  const { body } = plotted;
  let { y } = plotted;
  // the legend, wrapped by estimated width
  y += 30;
  let x = LAYOUT.pad;
  for (const part of chart.parts) {
    const w = 18 + textWidth(part.name) + 16;
    if (x + w > LAYOUT.width - LAYOUT.pad) {
      x = LAYOUT.pad;
      y += 20;
    }
    body.push(`<rect x="${num(x)}" y="${y - 10}" width="12" height="12" fill="${PALETTE[part.colour].fill}"/>`);
    body.push(`<text class="fg" x="${num(x + 18)}" y="${y}">${esc(part.name)}</text>`);
    x += w;
  }
  return frame(chart, y + 16 + footerHeight(chart.footer), body);
}
