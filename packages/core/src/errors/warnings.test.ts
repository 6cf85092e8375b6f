import { describe, expect, it } from 'vitest';
import { onceEachCode } from './warnings.js';

describe('onceEachCode', () => {
  it('passes each code once, and a new channel starts afresh', () => {
    const seen: string[] = [];
    const warn = onceEachCode((message, code) => seen.push(`${code}: ${message}`));
    warn('first', 'A');
    warn('again', 'A');
    warn('other', 'B');
    expect(seen).toEqual(['A: first', 'B: other']);
    onceEachCode((message, code) => seen.push(`${code}: ${message}`))('fresh', 'A');
    expect(seen).toEqual(['A: first', 'B: other', 'A: fresh']);
  });
});
