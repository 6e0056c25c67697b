/**
 * The reading request e-mail, as the seed's example ("Cher Client, …"), in the customer's
 * language: plain text and HTML, with the personal link and the day it is valid until.
 */
import type { Language } from '../../shared/models';
import { escapeHtml } from '../portal/html';
import { formatDate } from '../../shared/format';

interface MailWords {
  subject: (number: string) => string;
  greeting: string;
  lead: string;
  linkText: string;
  validity: (date: string) => string;
  advice: string;
  anonymous: (number: string) => string;
  locations: string;
  help: string;
  closing: string;
}

const WORDS: Record<Language, MailWords> = {
  fr: {
    subject: (number) => `Relevé des compteurs de vos copieurs (client ${number})`,
    greeting: 'Cher Client,',
    lead: 'Vous trouverez ci-dessous le lien qui vous permet par un simple clic de saisir, en ligne, les compteurs de vos copieurs.',
    linkText: 'Lien vers la saisie de vos compteurs',
    validity: (date) =>
      `Ce lien est valable jusqu'au 4 du mois prochain (${date}). Vous recevrez un nouveau message pour la période suivante.`,
    advice:
      "Vous pouvez faire la saisie dès à présent mais, pour des raisons d'efficacité, nous vous conseillons de le faire de préférence en fin de mois.",
    anonymous: () =>
      'Afin de garantir votre confidentialité même en cas d\'intrusion, ce système est anonyme. Seul votre numéro de client est indiqué.',
    locations:
      "N'hésitez pas à nous transmettre toute demande de modification du texte de l'emplacement de vos machines, par simple retour de mail.",
    help: 'Nos équipes se tiennent à votre entière disposition pour toute question.',
    closing: 'Sincères salutations',
  },
  de: {
    subject: (number) => `Zählerstände Ihrer Kopierer (Kunde ${number})`,
    greeting: 'Sehr geehrte Kundin, sehr geehrter Kunde',
    lead: 'Mit dem folgenden Link erfassen Sie die Zählerstände Ihrer Kopierer mit einem einfachen Klick online.',
    linkText: 'Link zur Erfassung Ihrer Zählerstände',
    validity: (date) =>
      `Dieser Link ist bis zum 4. des nächsten Monats gültig (${date}). Für die nächste Periode erhalten Sie eine neue Nachricht.`,
    advice: 'Sie können die Zählerstände ab sofort erfassen; wir empfehlen Ihnen aber, es möglichst gegen Ende des Monats zu tun.',
    anonymous: () =>
      'Damit Ihre Daten auch bei einem Einbruch vertraulich bleiben, ist dieses System anonym: Es zeigt nur Ihre Kundennummer.',
    locations: 'Möchten Sie den Standorttext Ihrer Geräte ändern lassen? Antworten Sie einfach auf diese E-Mail.',
    help: 'Für Fragen stehen wir Ihnen jederzeit gerne zur Verfügung.',
    closing: 'Freundliche Grüsse',
  },
  en: {
    subject: (number) => `Meter readings of your copiers (customer ${number})`,
    greeting: 'Dear Customer,',
    lead: 'Below is the link that lets you enter the counters of your copiers online with a single click.',
    linkText: 'Link to enter your counters',
    validity: (date) =>
      `This link is valid until the 4th of next month (${date}). You will receive a new message for the next period.`,
    advice: 'You can enter the counters right away, but for efficiency we recommend doing so towards the end of the month.',
    anonymous: () =>
      'To keep your data confidential even in case of an intrusion, this system is anonymous: only your customer number is shown.',
    locations: 'If the location text of any of your machines should change, simply reply to this e-mail.',
    help: 'Our teams are at your disposal for any question.',
    closing: 'Kind regards',
  },
};

export interface RequestMail {
  subject: string;
  text: string;
  html: string;
}

export function requestMail(options: {
  language: Language;
  customerNumber: string;
  url: string;
  validUntil: string;
  contact: string;
}): RequestMail {
  const words = WORDS[options.language];
  const date = formatDate(options.validUntil, options.language);
  const paragraphs = [
    words.lead,
    null,
    words.validity(date),
    words.advice,
    words.anonymous(options.customerNumber),
    words.locations,
    words.help,
  ];
  const text = [
    words.greeting,
    '',
    ...paragraphs.flatMap((p) => (p === null ? [`${words.linkText}:`, options.url, ''] : [p, ''])),
    words.closing,
    ...(options.contact ? ['', options.contact] : []),
    '',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.4">',
    `<p>${escapeHtml(words.greeting)}</p>`,
    ...paragraphs.map((p) =>
      p === null
        ? `<p><a href="${escapeHtml(options.url)}">${escapeHtml(words.linkText)}</a></p>`
        : `<p>${escapeHtml(p)}</p>`,
    ),
    `<p>${escapeHtml(words.closing)}</p>`,
    options.contact ? `<p>${escapeHtml(options.contact).replace(/\n/g, '<br>')}</p>` : '',
    '</body></html>',
  ].join('\n');
  return { subject: words.subject(options.customerNumber), text, html };
}
