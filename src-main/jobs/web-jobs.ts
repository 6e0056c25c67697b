/**
 * Web reading's jobs, each usable from the UI, the CLI and the scheduler: sending the request
 * e-mails of a period, delivering what is still queued, and the sync with the portal
 * (publish → collect → store → acknowledge). The portal is always reached over HTTP with the
 * shared secret — on loopback when it runs inside meterdesk.
 */
import nodemailer from 'nodemailer';
import {
  cancelMail,
  claimMail,
  dueMails,
  finishSyncRun,
  getLink,
  markMailFailed,
  markMailSent,
  startSyncRun,
  type OutboxMail,
} from '../../db/queries/web';
import { NO_SMTP_ERROR, type HandedOverLink, type RequestOptions } from '../../shared/api';
import { collectResponse, type PublishBody, type Submission } from '../../shared/portal-sync';
import { isLinkValid, type Period } from '../../shared/rules/web-reading';
import { timestamp, today, type CoreContext } from '../core/context';
import { logger } from '../core/log';
import { applySubmissions, buildPublication, handOverLink, planRequests, type ApplyReport, type RequestPlan } from '../core/web/web-reading';
import { syncRecovery } from './backup';
import type { WebConfig } from './config';
import { requestMail } from './mail-texts';

const log = logger('web');

export interface PortalClient {
  publish(body: PublishBody): Promise<{ links: number }>;
  /**
   * What customers entered and the portal froze. `again` (after a restore of the back-office's
   * database): the acknowledged submissions too, frozen since `since`; the answer's `again`
   * says whether the portal did (one from before that option does not).
   */
  collect(options?: { again?: { since: string | null } }): Promise<{ submissions: Submission[]; again: boolean }>;
  ack(keys: string[]): Promise<{ acknowledged: number }>;
}

/** The sync protocol's client (shared/portal-sync.ts). */
export function httpPortalClient(baseUrl: string, secret: string, timeoutMs = 30_000): PortalClient {
  async function call(path: string, body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Error(`the portal at ${baseUrl} cannot be reached (${(error as Error).cause ? String((error as { cause: unknown }).cause) : (error as Error).message})`);
    }
    const answer = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok) throw new Error(`the portal refused ${path}: ${response.status} ${answer.error ?? ''}`.trim());
    return answer;
  }
  return {
    publish: async (body) => (await call('/sync/publish', body)) as { links: number },
    collect: async (options = {}) => {
      const body = options.again ? { again: true, ...(options.again.since !== null && { since: options.again.since }) } : {};
      const answer = collectResponse.parse(await call('/sync/collect', body));
      return { submissions: answer.submissions, again: answer.again ?? false };
    },
    ack: async (keys) => (await call('/sync/ack', { keys })) as { acknowledged: number },
  };
}

export interface Mailer {
  send(mail: { from: string; to: string[]; subject: string; text: string; html: string }): Promise<string>;
  close(): void;
}

/** E-mails out at once: a request run of a large dealer is over a thousand of them. */
export const MAIL_CONNECTIONS = 4;

export function smtpMailer(url: string): Mailer {
  // Pooled: each connection carries e-mail after e-mail instead of one handshake each.
  const transport = nodemailer.createTransport({ url, pool: true, maxConnections: MAIL_CONNECTIONS });
  return {
    async send(mail) {
      const info = await transport.sendMail(mail);
      return info.messageId;
    },
    close: () => transport.close(),
  };
}

export interface DeliveryReport {
  sent: Array<{ customerNumber: string; recipients: string[] }>;
  failed: Array<{ customerNumber: string; error: string; retryAt: string }>;
}

/** How long an e-mail taken for sending is left to its sender before another may try it. */
const CLAIM_MINUTES = 10;

/** Minutes until the next attempt of a failed e-mail: 5, 10, 20, … at most 6 hours. */
export function retryDelayMinutes(attempts: number): number {
  return Math.min(5 * 2 ** Math.max(attempts - 1, 0), 360);
}

/** Which queued e-mails go: those due now (the retry job), or every one (a clerk's send). */
export type Queued = 'due' | 'all';

/**
 * Sends the queued e-mails that are due (`all`: also those waiting for their retry). A failure
 * is recorded on the e-mail and retried later, never dropped; an e-mail whose link has ended is
 * withdrawn.
 */
export async function deliverMails(
  core: CoreContext,
  config: WebConfig,
  mailer: Mailer | null,
  queued: Queued = 'due',
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: [], failed: [] };
  const day = today(core);
  const everyQueued = queued === 'all';
  const deliver = async (mail: OutboxMail): Promise<void> => {
    const link = getLink(core.db, mail.linkId);
    if (!link || link.replacedAt !== null || !isLinkValid(link.validUntil, day) || !mail.token) {
      cancelMail(core.db, mail.id, timestamp(core));
      return;
    }
    const retryAt = new Date(core.now().getTime() + retryDelayMinutes(mail.attempts + 1) * 60_000).toISOString();
    if (!mailer) {
      const error = NO_SMTP_ERROR;
      markMailFailed(core.db, mail.id, error, retryAt);
      report.failed.push({ customerNumber: link.customerNumber, error, retryAt });
      return;
    }
    const until = new Date(core.now().getTime() + CLAIM_MINUTES * 60_000).toISOString();
    if (!claimMail(core.db, mail.id, timestamp(core), until, everyQueued)) return;
    const content = requestMail({
      language: link.language,
      customerNumber: link.customerNumber,
      url: `${config.publicUrl}/l/${mail.token}`,
      validUntil: link.validUntil,
      contact: config.contact,
    });
    try {
      const messageId = await mailer.send({ from: config.mailFrom, to: mail.recipients, ...content });
      markMailSent(core.db, mail.id, messageId, timestamp(core));
      report.sent.push({ customerNumber: link.customerNumber, recipients: mail.recipients });
    } catch (error) {
      const message = (error as Error).message;
      markMailFailed(core.db, mail.id, message, retryAt);
      report.failed.push({ customerNumber: link.customerNumber, error: message, retryAt });
      log.warn({ customer: link.customerNumber, err: message }, 'request e-mail failed; will retry');
    }
  };
  // A few at once, each on a connection of the pool; each e-mail's outcome is written as it comes.
  const waiting = dueMails(core.db, timestamp(core), everyQueued);
  const sender = async () => {
    for (let mail = waiting.shift(); mail; mail = waiting.shift()) await deliver(mail);
  };
  await Promise.all(Array.from({ length: Math.min(MAIL_CONNECTIONS, waiting.length) }, sender));
  return report;
}

export interface SyncReport extends ApplyReport {
  published: number;
  collected: number;
}

/**
 * One sync: publish, collect, store, acknowledge. Each step can die; running it again never
 * loses or duplicates a value (the portal resends what was not acknowledged, the back-office
 * stores each submission key once).
 */
export async function runSync(core: CoreContext, config: WebConfig, client: PortalClient): Promise<SyncReport> {
  const runId = startSyncRun(core.db, timestamp(core));
  try {
    const links = await publish(core, config, client);
    // For a while after a restore of the database (`restore`), what the portal took over since
    // that backup is collected again — it has it as taken over, the restored database does not —
    // and kept aside for a clerk, with the links made after the backup taken in again.
    const recovery = core.dataDir === undefined ? null : syncRecovery(core.dataDir, core.now());
    const { submissions, again } = await client.collect(recovery ? { again: { since: recovery.since } } : {});
    if (recovery && !again) log.warn('the portal does not collect again what it took over before (an older meterdesk portal): values entered since the restored backup cannot be recovered until it is updated');
    const applied = applySubmissions(core, submissions, { recoveringSince: recovery?.at ?? null });
    if (applied.keys.length > 0) await client.ack(applied.keys);
    if (applied.unknown.length > 0) log.warn({ keys: applied.unknown }, 'submissions for unknown links or devices were not stored');
    finishSyncRun(core.db, runId, { published: links, collected: submissions.length, applied: applied.applied, held: applied.held, error: null }, timestamp(core));
    return { ...applied, published: links, collected: submissions.length };
  } catch (error) {
    finishSyncRun(core.db, runId, { published: 0, collected: 0, applied: 0, held: 0, error: (error as Error).message }, timestamp(core));
    throw error;
  }
}

export interface SendReport extends RequestPlan {
  delivery: DeliveryReport;
}

/**
 * The request e-mails of a period: create the links, publish them (a link works as soon as
 * its e-mail is out), then send — with them every e-mail still queued, also one waiting for
 * its retry after a failure: whoever sends now (a clerk whose SMTP server is back, the
 * monthly job) wants them out now. When the portal cannot be reached nothing is sent — the
 * e-mails stay queued and go out with the next attempt.
 */
export async function sendRequests(
  core: CoreContext,
  config: WebConfig,
  client: PortalClient,
  mailer: Mailer | null,
  period: Period,
  options: RequestOptions = {},
): Promise<SendReport> {
  const plan = planRequests(core, period, options);
  const delivery = await deliverQueued(core, config, client, mailer, 'all');
  return { ...plan, delivery };
}

/**
 * A customer's new link for the office to hand over (`handOverLink`), published at once so it
 * works as soon as it is given; if the portal cannot be reached, from the next sync.
 */
export async function handOverLinkNow(
  core: CoreContext,
  config: WebConfig,
  client: PortalClient,
  period: Period,
  customerNumber: string,
): Promise<HandedOverLink> {
  const { token, validUntil, replacedLink } = handOverLink(core, period, customerNumber);
  let published = true;
  try {
    await publish(core, config, client);
  } catch (error) {
    published = false;
    log.warn({ err: error }, 'a handed-over link could not be published: it works from the next sync');
  }
  return { customerNumber, period, url: `${config.publicUrl}/l/${token}`, validUntil, replacedLink, published };
}

/**
 * The open links and their due devices, as the back-office has them, to the portal. Every job
 * that changes what the portal must know does it; the app also does it on start, so a portal
 * restored from a backup (which would accept links replaced since) is set right at once.
 */
export async function publish(core: CoreContext, config: WebConfig, client: PortalClient): Promise<number> {
  const { links } = await client.publish(buildPublication(core, config.contact));
  return links;
}

/** Publishes, then sends what is queued and due (the retry of failed e-mails), or all of it. */
export async function deliverQueued(
  core: CoreContext,
  config: WebConfig,
  client: PortalClient,
  mailer: Mailer | null,
  queued: Queued = 'due',
): Promise<DeliveryReport> {
  if (dueMails(core.db, timestamp(core), queued === 'all').length === 0) return { sent: [], failed: [] };
  await publish(core, config, client);
  return deliverMails(core, config, mailer, queued);
}
