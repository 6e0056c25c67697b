/** The period list as CSV: the columns a clerk reads, counters as numbers, foreign texts kept inert. */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { PeriodRow } from '../../shared/api';
import { translations } from '../../shared/i18n';
import { periodCsv } from '../../src-renderer/features/period/period-csv';

const row = (overrides: Partial<PeriodRow>): PeriodRow => ({
  deviceId: 1,
  equipmentId: '3.022.790',
  model: 'PH RICOH MP2550CSP',
  position: '0002',
  location: 'REZ - COMPTABILITÉ',
  contractNumber: 'V-999999-01',
  customerNumber: '999999',
  customerName: 'Fiduciaire du Léman SA',
  webReading: true,
  state: 'missing',
  readingId: null,
  date: null,
  counters: [],
  ...overrides,
});

describe('the period list as CSV', () => {
  it('writes a row per device with its state, a column per counter kind read, and formulas as text', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: 'de', resources: { de: { translation: translations.de } }, interpolation: { escapeValue: false } });
    const csv = periodCsv(
      [
        row({}),
        row({ deviceId: 2, equipmentId: '3.033.923', state: 'web', readingId: 7, date: '2026-11-20', counters: [{ kind: 'black', value: 152_340 }, { kind: 'color', value: 41_002 }] }),
        row({ deviceId: 3, customerName: '=HYPERLINK("http://x")', webReading: false }),
      ],
      i18n.t,
      'de',
    ).split('\r\n');
    expect(csv[0]).toBe('Status;Kundennummer;Kunde;Vertrag;Gerät;Pos.;Modell;Standort;Web-Erfassung;Datum;Schwarz;Farbe');
    expect(csv[1]).toBe('fehlt;999999;Fiduciaire du Léman SA;V-999999-01;3.022.790;0002;PH RICOH MP2550CSP;REZ - COMPTABILITÉ;ja;;;');
    expect(csv[2]).toBe('Web;999999;Fiduciaire du Léman SA;V-999999-01;3.033.923;0002;PH RICOH MP2550CSP;REZ - COMPTABILITÉ;ja;20.11.2026;152340;41002');
    expect(csv[3]).toContain(`;"'=HYPERLINK(""http://x"")";`);
    expect(csv[3]).toContain(';nein;');
  });
});
