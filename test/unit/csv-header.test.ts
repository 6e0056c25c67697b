import { describe, expect, it } from 'vitest';
import { csvHeaders, decodeCsv, detectDelimiter } from '../../shared/import/csv-header';
import { csvSafeText, csvText } from '../../shared/csv';

describe("a CSV export's header line", () => {
  it.each([
    ['Geräte-ID;Datum;Zähler;Stand\r\n3.022.790;23.11.2026;Schwarz;1', ['Geräte-ID', 'Datum', 'Zähler', 'Stand']],
    ['\n\n Equipment ID , Date ,Black\n1,2,3', ['Equipment ID', 'Date', 'Black']],
    ['"Nr; intern";Name;"Bemerkung ""alt"""\n', ['Nr; intern', 'Name', 'Bemerkung "alt"']],
    ['Kunde\tName\tSprache', ['Kunde', 'Name', 'Sprache']],
    ['a|b|c', ['a', 'b', 'c']],
    ['Kundennummer', ['Kundennummer']],
  ])('%j', (text, headers) => {
    expect(csvHeaders(text)).toEqual(headers);
  });

  it('takes the separator that splits the first line into the most columns outside quotes', () => {
    expect(detectDelimiter('"a;b;c",d,e\n1;2;3;4;5')).toBe(',');
    expect(detectDelimiter('')).toBe(';');
  });

  it('reads UTF-8 without its BOM, and Windows-1252 where the bytes are not UTF-8', () => {
    expect(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x47, 0xc3, 0xa4]))).toEqual({ text: 'Gä', encoding: 'utf-8' });
    expect(decodeCsv(new Uint8Array([0x47, 0xe4, 0x74]))).toEqual({ text: 'Gät', encoding: 'windows-1252' });
  });
});

describe('a CSV written for Excel', () => {
  it('quotes what needs quoting and keeps a text that looks like a formula as text', () => {
    expect(csvText([['a;b', 'say "hi"', 3]])).toBe('"a;b";"say ""hi""";3\r\n');
    expect(['=1+1', '+41 21', '-5', '@SUM(A1)', '3.022.790'].map(csvSafeText)).toEqual(["'=1+1", "'+41 21", "'-5", "'@SUM(A1)", '3.022.790']);
  });
});
