/** A link as the back-office publishes it to the portal (SPEC §5), for the portal's tests. */
import type { PublishedLink } from '../../shared/portal-sync';

/** Customer 999999's November link with two devices (a colour one and a black one). */
export function publishedLink(overrides: Partial<PublishedLink> = {}): PublishedLink {
  return {
    tokenHash: 'a'.repeat(64),
    customerNumber: '999999',
    period: '2026-11',
    language: 'fr',
    validUntil: '2026-12-04',
    timeZone: 'Europe/Zurich',
    closed: false,
    rule: { factor: 3, marginPages: 500, windowMonths: 12 },
    devices: [
      {
        ref: 1,
        model: 'PH RICOH MPC2051',
        position: '0014',
        location: '1ER - COMMERCIAL',
        equipmentId: '3.033.923',
        serialNumber: 'V9713800086',
        counters: [
          { kind: 'black', lastDate: '2026-10-31', lastValue: 44200, averageDaily: 50 },
          { kind: 'color', lastDate: '2026-10-31', lastValue: 27827, averageDaily: 10 },
        ],
      },
      {
        ref: 2,
        model: 'PH RICOH MPC2800',
        position: '0004',
        location: '1ER - TECHNIQUE',
        equipmentId: '3.024.072',
        serialNumber: '1494701706',
        counters: [{ kind: 'black', lastDate: '2026-10-31', lastValue: 100, averageDaily: 5 }],
      },
    ],
    ...overrides,
  };
}
