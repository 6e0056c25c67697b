import { describe, expect, it } from 'vitest';
import { formatAmount, formatCounter, formatDate, formatDateTime, formatMonths, formatPeriod, formatPrice, parseCounter, parseDate, parsePrice } from '../../shared/format';

describe('counter input', () => {
  it.each(['344805', "344'805", '344’805', '344.805', '344 805', '344,805', '344\u202f805'])(
    'reads %s as 344805',
    (text) => {
      expect(parseCounter(text)).toEqual({ ok: true, value: 344_805 });
    },
  );

  it('reads millions with consistent separators', () => {
    expect(parseCounter("1'234'567")).toEqual({ ok: true, value: 1_234_567 });
    expect(parseCounter("1'234.567")).toEqual({ ok: false, code: 'not-whole-number' });
  });

  it('refuses what is not a whole number instead of guessing', () => {
    expect(parseCounter('344.8')).toEqual({ ok: false, code: 'not-whole-number' });
    expect(parseCounter('12,5')).toEqual({ ok: false, code: 'not-whole-number' });
    expect(parseCounter('abc')).toEqual({ ok: false, code: 'not-whole-number' });
    expect(parseCounter('  ')).toEqual({ ok: false, code: 'required' });
    expect(parseCounter('-5')).toEqual({ ok: false, code: 'negative' });
  });

  it('formats per locale and reads its own output back', () => {
    for (const language of ['de', 'fr', 'en'] as const) {
      const text = formatCounter(344_805, language);
      expect(text).toMatch(/^344\D805$/);
      expect(parseCounter(text)).toEqual({ ok: true, value: 344_805 });
    }
    expect(formatCounter(14_160, 'en')).toBe('14,160');
  });
});

describe('amounts', () => {
  it('groups the francs per locale, with a decimal point in each, to the centime', () => {
    expect(formatAmount(967_444_550_000, 'de')).toBe("967'444.55");
    expect(formatAmount(967_444_550_000, 'fr')).toMatch(/^967\s444\.55$/u);
    expect(formatAmount(967_444_550_000, 'en')).toBe('967,444.55');
    expect(formatAmount(116_100_000, 'de')).toBe('116.10');
    expect(formatAmount(0, 'de')).toBe('0.00');
    // Half a centime rounds away from zero, on either side of it (as formatChf).
    expect(formatAmount(1_234_565_000, 'en')).toBe('1,234.57');
    expect(formatAmount(-1_234_565_000, 'en')).toBe('-1,234.57');
  });
});

describe('date input', () => {
  const today = '2026-11-23';
  it.each([
    ['23.11.2026', '2026-11-23'],
    ['3.12.2026', '2026-12-03'],
    ['23.11.26', '2026-11-23'],
    ['23.11.', '2026-11-23'],
    ['1.2', '2026-02-01'],
    ['23/11/2026', '2026-11-23'],
    ['2026-11-23', '2026-11-23'],
    ['23112026', '2026-11-23'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseDate(text, today)).toBe(iso);
  });

  it.each(['31.11.2026', '29.02.2026', '0.1.2026', 'gestern', '', '2026-13-01'])('refuses %s', (text) => {
    expect(parseDate(text, today)).toBeNull();
  });

  it('formats as the locale writes dates', () => {
    expect(formatDate('2014-01-24', 'fr')).toBe('24.01.2014');
    expect(formatDate('2014-01-24', 'de')).toBe('24.01.2014');
    expect(formatDate('2014-01-24', 'en')).toBe('24/01/2014');
  });
});

describe('prices per page', () => {
  it.each([
    ['0.0085', 8_500],
    ['0,0650', 65_000],
    ['.0085', 8_500],
    ['1', 1_000_000],
    ['12.5', 12_500_000],
  ])('reads %s as %i micro-francs', (text, micros) => {
    expect(parsePrice(text)).toBe(micros);
  });

  it.each(['', 'abc', '0.00000001', '-0.01', '1.2.3'])('refuses %j', (text) => {
    expect(parsePrice(text)).toBeNull();
  });

  it('writes them back with two to six decimals, exactly', () => {
    expect(formatPrice(8_500)).toBe('0.0085');
    expect(formatPrice(65_000)).toBe('0.0650');
    expect(formatPrice(1_000_000)).toBe('1.0000');
    expect(formatPrice(0)).toBe('0.0000');
    expect(formatPrice(8_550)).toBe('0.00855');
    expect(formatPrice(1)).toBe('0.000001');
    expect(parsePrice(formatPrice(123_457))).toBe(123_457);
  });
});

describe('a month and a moment as people read them', () => {
  it("writes a period with the month's name in the language", () => {
    expect(formatPeriod('2026-11', 'de')).toBe('November 2026');
    expect(formatPeriod('2026-03', 'de')).toBe('März 2026');
    expect(formatPeriod('2026-11', 'fr')).toBe('novembre 2026');
    expect(formatPeriod('2026-11', 'en')).toBe('November 2026');
    // A statement's months: one, a quarter in a year, a quarter across the new year.
    expect(formatMonths('2026-11-01', '2026-11-30', 'de')).toBe('November 2026');
    expect(formatMonths('2026-09-15', '2026-11-30', 'de')).toBe('September – November 2026');
    expect(formatMonths('2026-09-01', '2026-11-30', 'fr')).toBe('septembre – novembre 2026');
    expect(formatMonths('2026-12-01', '2027-02-28', 'de')).toBe('Dezember 2026 – Februar 2027');
  });

  it('writes a timestamp with the year in full', () => {
    expect(formatDateTime('2026-11-24T03:32:00.000Z', 'de')).toMatch(/^24\.11\.2026, \d\d:32$/);
  });

  it('writes a timestamp on the clock of the time zone given (the dealer’s), whatever the machine’s', () => {
    expect(formatDateTime('2026-11-24T23:32:00.000Z', 'de', 'Europe/Zurich')).toBe('25.11.2026, 00:32');
    expect(formatDateTime('2026-11-24T23:32:00.000Z', 'fr', 'America/New_York')).toBe('24.11.2026 18:32');
    expect(formatDateTime('2026-07-01T12:00:00.000Z', 'en', 'Europe/Zurich')).toBe('01/07/2026, 14:00');
  });
});
