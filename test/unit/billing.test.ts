import { describe, expect, it } from 'vitest';
import { billContract, formatChf, freeCopiesLeft, roundToFiveRappen, sharedValidity } from '../../shared/rules/billing';

describe('billing arithmetic', () => {
  it('bills 14160 Schwarz copies, 500 free a month, at CHF 0.0085: 13660 × 0.0085 = 116.11 → CHF 116.10', () => {
    const bill = billContract([{ kind: 'black', usage: 14_160, freePerMonth: 500, pricePerPage: 8_500 }], '2026-10-01', '2026-10-31');
    expect(bill.lines[0]).toEqual({ kind: 'black', usage: 14_160, freeCopies: 500, billable: 13_660, pricePerPage: 8_500, amount: 116_110_000 });
    expect(bill.total).toBe(116_110_000);
    expect(bill.totalRounded).toBe(116_100_000);
    expect(formatChf(bill.totalRounded)).toBe('116.10');
  });

  it('prorates the free copies over the validity and never bills below zero', () => {
    // 1 Jan – 15 Feb 2026 = 1 + 15/28 months: 500 free a month → 768 (767.86 rounded half up).
    const bill = billContract(
      [
        { kind: 'black', usage: 1_000, freePerMonth: 500, pricePerPage: 8_500 },
        { kind: 'color', usage: 50, freePerMonth: 100, pricePerPage: 65_000 },
      ],
      '2026-01-01',
      '2026-02-15',
    );
    expect(bill.lines.map((l) => [l.freeCopies, l.billable])).toEqual([[768, 232], [154, 0]]);
    expect(bill.total).toBe(232 * 8_500);
  });

  it('credits the true-up of an estimate billed too high: a negative usage, no free copies, a negative amount', () => {
    const bill = billContract(
      [
        { kind: 'black', usage: -1_500, freePerMonth: 500, pricePerPage: 8_500 },
        { kind: 'color', usage: 30, freePerMonth: 100, pricePerPage: 65_000 },
      ],
      '2026-12-01',
      '2026-12-31',
    );
    expect(bill.lines.map((l) => [l.usage, l.freeCopies, l.billable, l.amount])).toEqual([
      [-1_500, 500, -1_500, -12_750_000],
      [30, 100, 0, 0],
    ]);
    expect(bill.totalRounded).toBe(-12_750_000);
    expect(roundToFiveRappen(-116_125_000)).toBe(-116_150_000);
    expect(roundToFiveRappen(-116_124_999)).toBe(-116_100_000);
    expect(formatChf(-12_750_000)).toBe('-12.75');
  });

  it('grants of the validity shared with earlier runs the free copies they left, never below zero', () => {
    const november = { validFrom: '2026-11-01', validTo: '2026-11-30' };
    // Another run billed November, 300 of its 500 used: a late November reading gets 200.
    const shared = sharedValidity('2026-11-01', '2026-11-30', [november]);
    expect(shared).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(freeCopiesLeft(500, shared, [{ ...november, usage: 300, billable: 0 }])).toBe(200);
    expect(billContract([{ kind: 'black', usage: 400, freePerMonth: 500, pricePerPage: 8_500, freeCopies: 200 }], '2026-11-01', '2026-11-30').lines[0])
      .toMatchObject({ freeCopies: 200, billable: 200 });
    // All 500 used (7555 printed, 7055 billed): none left; a credit used none.
    expect(freeCopiesLeft(500, shared, [{ ...november, usage: 7_555, billable: 7_055 }])).toBe(0);
    expect(freeCopiesLeft(500, shared, [{ ...november, usage: -50, billable: -50 }])).toBe(500);
  });

  it('widens the shared validity by every run that overlaps it, and by those that overlap these', () => {
    const runs = [
      { validFrom: '2026-11-01', validTo: '2026-11-30' },
      { validFrom: '2026-11-01', validTo: '2026-12-31' },
      { validFrom: '2026-09-01', validTo: '2026-09-30' },
    ];
    // December–January overlaps the second run, which overlaps the first; September does not touch.
    expect(sharedValidity('2026-12-01', '2027-01-31', runs)).toEqual({ from: '2026-11-01', to: '2027-01-31' });
    // Three months of 500, of which the two earlier runs used 500 each: 500 left for this one.
    const lines = runs.slice(0, 2).map((run) => ({ ...run, usage: 600, billable: 100 }));
    expect(freeCopiesLeft(500, { from: '2026-11-01', to: '2027-01-31' }, lines)).toBe(500);
    // October–November billed before with half its 1000 used, then a late November reading: 500 left,
    // as one run of both would have granted.
    expect(freeCopiesLeft(500, sharedValidity('2026-11-01', '2026-11-30', [{ validFrom: '2026-10-01', validTo: '2026-11-30' }]), [
      { validFrom: '2026-10-01', validTo: '2026-11-30', usage: 500, billable: 0 },
    ])).toBe(500);
  });

  it('rounds totals half up to CHF 0.05, exactly, with no binary float drift', () => {
    expect(roundToFiveRappen(116_124_999)).toBe(116_100_000);
    expect(roundToFiveRappen(116_125_000)).toBe(116_150_000);
    expect(roundToFiveRappen(0)).toBe(0);
    // 0.1 + 0.2 in francs would drift; in micros it is exact.
    expect(roundToFiveRappen(100_000 + 200_000)).toBe(300_000);
    expect(formatChf(5_000_000_050_000)).toBe('5000000.05');
  });
});

describe('the billing CSV', () => {
  it('has a row per contract and counter, exact CHF amounts, and quotes what needs quoting', async () => {
    const { billingCsv } = await import('../../shared/billing-csv');
    const csv = billingCsv({
      id: 7,
      period: '2026-11',
      state: 'billed',
      total: 116_100_000,
      createdAt: '',
      createdBy: '',
      postedAt: null,
      cancelledAt: null,
      contracts: [
        {
          contractId: 1,
          contractNumber: 'V-999999-01',
          customerNumber: '999999',
          customerName: 'Fiduciaire du Léman; SA',
          customerAddress: 'Rue du Lac 12\n1003 Lausanne',
          customerLanguage: 'fr',
          estimates: [],
          readingIds: [1],
          ...billContract([{ kind: 'black', usage: 14_160, freePerMonth: 500, pricePerPage: 8_500 }], '2026-11-01', '2026-11-30'),
        },
      ],
    });
    const [header, row] = csv.trim().split('\r\n');
    expect(header!.split(';')).toHaveLength(14);
    expect(row).toBe('7;2026-11;999999;"Fiduciaire du Léman; SA";V-999999-01;2026-11-01;2026-11-30;black;14160;500;13660;0.0085;116.11;116.10');
  });

  it('keeps a name that looks like a formula as text: opening the file in Excel runs nothing', async () => {
    const { billingCsv } = await import('../../shared/billing-csv');
    const contract = {
      contractId: 1,
      contractNumber: '+41-01',
      customerNumber: '999999',
      customerName: '=HYPERLINK("http://x.example","Fiduciaire")',
      customerAddress: '',
      customerLanguage: 'fr' as const,
      estimates: [],
      readingIds: [1],
      ...billContract([{ kind: 'black', usage: 100, freePerMonth: 0, pricePerPage: 8_500 }], '2026-11-01', '2026-11-30'),
    };
    const csv = billingCsv({ id: 7, period: '2026-11', state: 'billed', total: 850_000, createdAt: '', createdBy: '', postedAt: null, cancelledAt: null, contracts: [contract] });
    const cells = csv.trim().split('\r\n')[1]!.split(';');
    expect(cells[3]).toBe(`"'=HYPERLINK(""http://x.example"",""Fiduciaire"")"`);
    expect(cells[4]).toBe("'+41-01");
  });
});
