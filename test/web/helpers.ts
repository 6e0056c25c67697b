/** Real parts for web reading's tests: an SMTP server that keeps what it receives, and a
 * customer's browser-less visit of the portal (cookies, CSRF token from the form). */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  mails: ParsedMail[];
  /** Refuse every message from now on (a broken SMTP server), or accept again. */
  refuse: boolean;
  waitFor(count: number): Promise<ParsedMail[]>;
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ParsedMail[] = [];
  const sink = { refuse: false } as SmtpSink;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (sink.refuse) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 })));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(sink, {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async waitFor(count: number) {
      for (let i = 0; i < 100 && mails.length < count; i++) await new Promise((r) => setTimeout(r, 50));
      return mails;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export function linkIn(mail: ParsedMail): string {
  const match = /https?:\/\/\S+\/l\/[A-Za-z0-9_-]{43}/.exec(mail.text ?? '');
  if (!match) throw new Error(`no portal link in the e-mail:\n${mail.text}`);
  return match[0];
}

/** A customer's visit: follows the link, keeps the cookies, posts the forms with their token. */
export class Visit {
  private cookies = new Map<string, string>();
  page = '';
  status = 0;

  constructor(readonly base: string) {}

  private remember(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, ...value] = pair!.split('=');
      this.cookies.set(name!.trim(), value.join('='));
    }
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string): Promise<Response> {
    const response = await fetch(path.startsWith('http') ? path : `${this.base}${path}`, {
      headers: { cookie: this.cookieHeader },
      redirect: 'manual',
    });
    this.remember(response);
    this.status = response.status;
    this.page = await response.text();
    return response;
  }

  csrf(): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.page);
    if (!match) throw new Error('no CSRF token on the page');
    return match[1]!;
  }

  /** The counter's *Dernier compteur* on the page. */
  lastValue(counterId: number): number {
    const match = new RegExp(`id="c${counterId}"[\\s\\S]*?Dernier compteur (\\d+)`).exec(this.page);
    if (!match) throw new Error(`no last counter for counter ${counterId} on the page`);
    return Number(match[1]);
  }

  counterId(equipmentId: string, kindLabel: string): number {
    // By the section's label (model and equipment ID), the same in every language.
    const section = this.page.split('<section').find((part) => part.includes(` ${equipmentId}">`));
    if (!section) throw new Error(`device ${equipmentId} is not on the page`);
    const row = section.split('<tr id="c').find((part) => part.includes(kindLabel));
    if (!row) throw new Error(`no ${kindLabel} for ${equipmentId}`);
    return Number(/^(\d+)/.exec(row)![1]);
  }

  async post(path: string, fields: Record<string, string>, withToken = true): Promise<Response> {
    const body = new URLSearchParams({ ...(withToken ? { _csrf: this.csrf() } : {}), ...fields });
    const response = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    });
    this.remember(response);
    this.status = response.status;
    this.page = await response.text();
    if (response.status === 303) await this.get(response.headers.get('location')!.split('#')[0]!);
    return response;
  }

  /** Enters a value for a counter as the form does: open its field, then save. */
  async enter(equipmentId: string, kindLabel: string, value: string): Promise<number> {
    const id = this.counterId(equipmentId, kindLabel);
    await this.get(`/releve?saisir=${id}`);
    return (await this.post(`/releve/${id}`, { value })).status;
  }
}
