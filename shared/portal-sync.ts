/**
 * The sync protocol between the back-office and the customer portal (SPEC §5), the same
 * whether the portal runs in the app's process (over loopback) or on another server (HTTPS).
 * Every call is a POST with `Authorization: Bearer <shared secret>` and a JSON body:
 *
 * - `/sync/publish`: the links of the open periods with their due devices and counters.
 * - `/sync/collect`: the portal freezes what is ready (every counter of a device entered, or
 *   the link over) and returns everything frozen that the back-office has not acknowledged.
 *   With `again: true` it returns the acknowledged ones too (those frozen since `since`, when
 *   given), marked `acknowledged`, and says `again: true` back: the back-office's database was
 *   restored from a backup, and what it stored after that backup is to be stored once more.
 * - `/sync/ack`: the back-office has stored these submissions; the portal stops sending them.
 *
 * A submission is keyed by link and device, so collecting twice, or again after a crash,
 * brings the same keys, which the back-office stores once.
 */
import { z } from 'zod';
import { isIsoDate } from './dates';
import { COUNTER_KINDS, LANGUAGES } from './models';
import { MAX_COUNTER } from './rules/usage';

const isoDate = z.string().refine(isIsoDate, 'a date YYYY-MM-DD');
const tokenHash = z.string().regex(/^[0-9a-f]{64}$/);
const counter = z.number().int().min(0).max(MAX_COUNTER);
const text = (max: number) => z.string().max(max);

export const publishedLink = z
  .object({
    tokenHash,
    customerNumber: z.string().regex(/^\d{1,20}$/),
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    language: z.enum(LANGUAGES),
    validUntil: isoDate,
    timeZone: text(64),
    closed: z.boolean(),
    rule: z
      .object({ factor: z.number().min(0), marginPages: z.number().min(0), windowMonths: z.number().int().min(1) })
      .strict(),
    devices: z
      .array(
        z
          .object({
            ref: z.number().int().positive(),
            /** Its place among all the customer's due devices (a device already read is left out, the others keep theirs). */
            sort: z.number().int().min(0).max(1_000_000).optional(),
            model: text(200),
            position: text(40),
            location: text(200),
            equipmentId: text(64),
            serialNumber: text(64),
            counters: z
              .array(
                z
                  .object({
                    kind: z.enum(COUNTER_KINDS),
                    lastDate: isoDate.nullable(),
                    lastValue: counter,
                    averageDaily: z.number().min(0).nullable(),
                  })
                  .strict(),
              )
              .min(1)
              .max(COUNTER_KINDS.length),
          })
          .strict(),
      )
      .max(10_000),
  })
  .strict();
export type PublishedLink = z.infer<typeof publishedLink>;
export type PublishedDevice = PublishedLink['devices'][number];

export const publishBody = z
  .object({
    /** The dealer's contact details, shown on the portal's error pages. */
    contact: text(2000),
    links: z.array(publishedLink).max(100_000),
  })
  .strict();
export type PublishBody = z.infer<typeof publishBody>;

export const submission = z
  .object({
    key: z.string().max(100),
    tokenHash,
    customerNumber: z.string(),
    period: z.string(),
    deviceRef: z.number().int().positive(),
    /** Every counter of the device entered; false when the link ended with some missing. */
    complete: z.boolean(),
    /** Collected `again`: the back-office acknowledged it before (it is being recovered). */
    acknowledged: z.boolean().optional(),
    values: z
      .array(
        z
          .object({ kind: z.enum(COUNTER_KINDS), value: counter, enteredOn: isoDate, flagged: z.boolean() })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Submission = z.infer<typeof submission>;

export const collectBody = z
  .object({ again: z.boolean().optional(), since: z.string().datetime().optional() })
  .strict();
/** `again`: the portal collected the acknowledged ones too (a portal from before that option leaves it out). */
export const collectResponse = z.object({ submissions: z.array(submission), again: z.boolean().optional() }).strict();
export const ackBody = z.object({ keys: z.array(z.string().max(100)).max(100_000) }).strict();

export function submissionKey(tokenHash: string, deviceRef: number): string {
  return `${tokenHash}:${deviceRef}`;
}
