/** The change log's values as the rest of the app writes them. */
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { auditText } from '../../src-renderer/components/audit-text';

// The keys themselves: these tests look at the values.
const t = ((key: string) => key) as unknown as TFunction;

describe('the change log', () => {
  it("names a contract's first month of its interval by the month's name, in the language shown", () => {
    expect(auditText('contract', 'startMonth', null, 11, t, 'de')).toMatchObject({ before: '—', after: 'November' });
    expect(auditText('contract', 'startMonth', 1, 3, t, 'fr')).toMatchObject({ before: 'janvier', after: 'mars' });
  });

  it('writes prices, copies and dates as the app does', () => {
    expect(auditText('contract', 'terms.black.pricePerPage', 8_500, 9_000, t, 'de')).toMatchObject({ before: '0.0085', after: '0.0090' });
    expect(auditText('reading', 'black.new', 344_805, 350_400, t, 'de').after).toMatch(/^350.400$/);
    expect(auditText('reading', 'validTo', '2026-11-30', '2026-12-01', t, 'de')).toMatchObject({ before: '30.11.2026', after: '01.12.2026' });
  });
});
