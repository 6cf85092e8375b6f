// The Performance guide's charts (docs/guides/media/*.svg) are made by the bench from its JSON
// (bench/charts.mjs): re-rendering the committed summary gives the committed SVGs byte for byte;
// a bar's width is its value on the chart's scale; every text fits on the card; label text is
// escaped. (The numbers and their bars: performance-data.test.ts.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderCharts, SUMMARY_FILE, summaryText } from '../bench/lib/performance-charts.mjs';
import { barChart, esc, LAYOUT, PALETTE, stackedChart, THEMES } from '../bench/lib/svg-bars.mjs';

const media = fileURLToPath(new URL('../docs/guides/media/', import.meta.url));
const committed = JSON.parse(readFileSync(join(media, SUMMARY_FILE), 'utf8'));
/** WCAG contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('performance charts', () => {
  it('are the committed summary re-rendered, byte for byte, and nothing else', () => {
    const charts = renderCharts(committed);
    for (const [name, svg] of charts) expect(readFileSync(join(media, name), 'utf8'), name).toBe(svg);
    expect(
      readdirSync(media)
        .filter((f) => f.endsWith('.svg'))
        .sort(),
    ).toEqual(charts.map(([name]) => name).sort());
    expect(summaryText(committed)).toBe(readFileSync(join(media, SUMMARY_FILE), 'utf8'));
  });

  it('draw each bar as its value on the scale (hand-computed)', () => {
    // values up to 16: the axis ends at 20 (the next round number), so 1 ms is span / 20 px
    const span = LAYOUT.width - 2 * LAYOUT.pad - LAYOUT.valueSpace;
    expect(span).toBe(390);
    const svg = barChart({
      id: 't',
      title: 'T',
      subtitle: 'S',
      unit: 'ms',
      description: 'd',
      footer: [],
      groups: [
        {
          name: 'g',
          bars: [
            { label: 'a', value: 16, kind: 'ours' },
            { label: 'b', value: 5, kind: 'peer' },
          ],
        },
      ],
    });
    const widths = [...svg.matchAll(/<rect x="20" y="[\d.]+" width="([\d.]+)" height="16" fill/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([312, 97.5]); // 16 × 390 / 20, 5 × 390 / 20
    const ticks = [...svg.matchAll(/text-anchor="middle" font-size="11">([\d.]+)</g)].map((m) => Number(m[1]));
    expect(ticks).toEqual([0, 5, 10, 15, 20]);
    expect(svg).toContain('>16.00 ms</text>');
    // a stacked bar: its parts side by side, each its value on the scale (total 8: axis 8, 1 ms = 48.75 px)
    const stacked = stackedChart({
      id: 's',
      title: 'S',
      subtitle: '',
      unit: 'ms',
      description: 'd',
      footer: [],
      parts: [
        { name: 'p', colour: 'ours' },
        { name: 'q', colour: 'amber' },
      ],
      groups: [{ name: 'g', bars: [{ label: 'x', values: [6, 2] }] }],
    });
    const segs = [...stacked.matchAll(/<rect class="seg" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(segs).toEqual([
      [20, 292.5],
      [312.5, 97.5],
    ]);
  });

  it('fit every text on the card (by the 0.6 em width estimate), long titles and values too', () => {
    const long = 'a title long enough to need a second line on the card, and then some more words to wrap';
    const made = barChart({
      id: 'w',
      title: long,
      subtitle: `${long}, ${long}`,
      unit: 'ms',
      description: 'd',
      footer: [long],
      groups: [{ name: 'g', bars: [{ label: 'a', value: 19, kind: 'peer', note: 'a long note after the longest bar' }] }],
    });
    const charts: [string, string][] = [...renderCharts(committed), ['made.svg', made]];
    for (const [name, svg] of charts) {
      const texts = [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)];
      expect(texts.length, name).toBeGreaterThan(5);
      for (const [, attrs, text] of texts as unknown as [string, string, string][]) {
        const x = Number(/ x="([\d.]+)"/.exec(attrs)?.[1]);
        const size = Number(/font-size="(\d+)"/.exec(attrs)?.[1] ?? LAYOUT.font);
        const width = text.replace(/&[#\w]+;/g, '_').length * size * 0.6;
        const right = attrs.includes('text-anchor="middle"') ? x + width / 2 : x + width;
        expect(right, `${name}: "${text}"`).toBeLessThanOrEqual(LAYOUT.width - LAYOUT.pad);
      }
    }
    // the wrapped title and subtitle push the plot down: nothing overlaps the subtitle's last line
    const ys = [...made.matchAll(/<text class="(?:fg|muted)" x="20" y="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys.slice(0, 5)).toEqual([28, 48, 68, 85, 102]);
    expect(Math.min(...ys.slice(5))).toBeGreaterThan(102 + 16);
  });

  it('need a description (the text alternative)', () => {
    const chart = {
      id: 'n',
      title: 'T',
      subtitle: 'S',
      unit: 'ms',
      footer: [],
      groups: [{ name: 'g', bars: [{ label: 'a', value: 1, kind: 'peer' as const }] }],
    };
    // @ts-expect-error description is required
    expect(() => barChart(chart)).toThrow('chart n: no description');
    expect(() => barChart({ ...chart, description: '' })).toThrow('chart n: no description');
  });

  it('escape hostile label text', () => {
    const hostile = `</text><script>alert("x")</script><text a='1'>&amp;`;
    const svg = barChart({
      id: 'h',
      title: hostile,
      subtitle: hostile,
      unit: hostile,
      description: hostile,
      footer: [hostile],
      groups: [{ name: hostile, bars: [{ label: hostile, value: 1, kind: 'peer', note: hostile }] }],
    });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain("a='1'");
    expect(svg).toContain(esc(hostile));
    expect(esc(hostile)).toBe('&lt;/text&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;text a=&#39;1&#39;&gt;&amp;amp;');
    // only the renderer's own elements
    const elements = new Set([...svg.matchAll(/<([a-z]+)/g)].map((m) => m[1]));
    expect([...elements].filter((e) => !['svg', 'title', 'desc', 'style', 'rect', 'text', 'line', 'g'].includes(e!))).toEqual([]);
  });

  it('are accessible and readable on the light and the dark card', () => {
    for (const [name, svg] of renderCharts(committed)) {
      expect(svg, name).toMatch(/^<svg [^>]*role="img" aria-label="[^"]+" aria-labelledby="[\w-]+-title [\w-]+-desc">\n<title id=/);
      expect(svg, name).toContain('@media (prefers-color-scheme: dark)');
    }
    for (const theme of Object.values(THEMES)) {
      expect(contrast(theme.text, theme.card)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(theme.muted, theme.card)).toBeGreaterThanOrEqual(4.5);
      for (const colour of Object.values(PALETTE)) expect(contrast(colour.fill, theme.card)).toBeGreaterThanOrEqual(3);
    }
    for (const colour of Object.values(PALETTE)) expect(contrast(colour.text, colour.fill)).toBeGreaterThanOrEqual(4.5);
  });
});
