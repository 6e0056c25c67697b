/**
 * The import reads a CSV without quotes by splitting it (`splitUnquoted`); csv-parse reads
 * every other. The split must give what csv-parse gives, for any quote-free text.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv, splitUnquoted } from '../../src-main/core/import/read-table';

/** A seeded generator (mulberry32): the same texts on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('splitUnquoted', () => {
  it('reads the dealer exports’ usual shapes as csv-parse does', () => {
    const texts: Array<[string, string]> = [
      ['Geräte-ID;Datum;Zähler;Stand\r\n3.100.001;28.12.2026;Schwarz;12345\r\n', ';'],
      ['a;b\n\n1;2\n   \n3;4', ';'],
      ['a,b\r1,2\r3,4\r', ','],
      ['a\tb\n 1 \t 2 \n\t\n', '\t'],
      ['a|b|c\n1|2\n1|2|3|4\n', '|'],
      ['a;b\n\u00a01 ;\u00a02\u00a0\n', ';'],
      ['a;b\r\n1;2\r3\r\n', ';'],
      ['a;b\n1;2\r\n3;4\n', ';'],
      ['', ';'],
      ['\n\n', ';'],
      [';;\n;', ';'],
    ];
    for (const [text, delimiter] of texts) expect(splitUnquoted(text, delimiter), JSON.stringify(text)).toEqual(parseCsv(text, delimiter));
  });

  it('reads random quote-free texts as csv-parse does', () => {
    const next = random(7);
    const alphabet = ['a', 'Z', '1', '9', ' ', ' ', '\t', ';', ',', '|', '\n', '\r\n', '\r', '\u00a0', 'é', '.', '-'];
    const wrong: string[] = [];
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const length = Math.floor(next() * 60);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      const delimiter = [';', ',', '\t', '|'][Math.floor(next() * 4)]!;
      const expected = parseCsv(text, delimiter);
      if (JSON.stringify(splitUnquoted(text, delimiter)) !== JSON.stringify(expected)) wrong.push(JSON.stringify([text, delimiter]));
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});
