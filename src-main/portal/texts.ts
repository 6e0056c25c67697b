/**
 * The portal's words in the customer's language. The French ones are the seed's, word for
 * word (the dealer's extranet); German and English say the same.
 */
import { formatDate } from '../../shared/format';
import { isLanguage, type CounterKind, type Language } from '../../shared/models';

export interface PortalTexts {
  title: string;
  logout: string;
  /** The header's language links, for a screen reader. */
  languages: string;
  intro: string;
  linkValidUntil: (date: string) => string;
  /** A day as the language writes it: 24.11.2026 (the seed), 24/11/2026 in English, as the back-office does. */
  date: (isoDate: string) => string;
  customerNumber: (number: string) => string;
  /** A device's ID and serial number as the page labels them (the seed: "ID : …  NS : …"). */
  equipmentId: (id: string) => string;
  serialNumber: (serial: string) => string;
  kinds: Record<CounterKind, string>;
  lastReading: string;
  lastCounter: string;
  newValue: string;
  /** Before an entered value where the columns are stacked (a phone). */
  enteredValue: string;
  toEnter: string;
  enter: string;
  save: string;
  done: string;
  check: string;
  change: string;
  print: string;
  failed: string;
  belowLast: (last: string) => string;
  required: string;
  notWholeNumber: string;
  tooLarge: string;
  implausible: string;
  sentTonight: string;
  /** Under a device of which some counters are entered and others not: it goes with all of them. */
  partialDevice: string;
  transferred: string;
  clickHint: string;
  nothingDue: string;
  invalidLink: string;
  tryAgain: string;
  linkValidity: string;
  loggedOut: string;
  sessionOver: string;
  tooMany: string;
  /** A change posted after the night's sync took the value. */
  notSavedTransferred: string;
  /** The print view's way back to the entry page. */
  back: string;
  failure: string;
  printedOn: (date: string) => string;
}

const fr: PortalTexts = {
  date: (isoDate) => formatDate(isoDate, 'fr'),
  title: 'Relevé des compteurs',
  logout: 'Déconnexion',
  languages: 'Langue',
  intro:
    "Toutes les machines nécessitant une saisie de compteur apparaissent. Vous n'êtes pas obligé de les saisir toutes en même temps du moment que vous le faites avant le 4 du mois suivant",
  linkValidUntil: (date) => `Ce lien est valable jusqu'au ${date}.`,
  customerNumber: (number) => `N° DU CLIENT : ${number}`,
  equipmentId: (id) => `ID : ${id}`,
  serialNumber: (serial) => `NS : ${serial}`,
  kinds: {
    black: 'Compteur Noir-blanc',
    color: 'Compteur Couleur',
    scan: 'Compteur Scan',
    free1: 'Compteur Libre 1',
    free2: 'Compteur Libre 2',
  },
  lastReading: 'Dernier relevé',
  lastCounter: 'Dernier compteur',
  newValue: 'Saisissez le compteur',
  enteredValue: 'Compteur saisi',
  toEnter: 'A saisir',
  enter: 'Saisir',
  save: 'Enregistrer',
  done: 'Saisie effectuée',
  check: 'A vérifier',
  change: 'Modifier',
  print: 'Imprimer',
  failed: '✘ Echec !',
  belowLast: (last) => `La valeur doit être supérieure ou égale à celle du dernier compteur (${last})`,
  required: 'Veuillez saisir le compteur.',
  notWholeNumber: 'Veuillez saisir un nombre entier, sans lettres ni décimales (par exemple 358965).',
  tooLarge: 'Cette valeur est trop grande pour un compteur.',
  implausible: '⚠ La valeur saisie est considérablement supérieure à votre consommation habituelle. Merci de vérifier.',
  sentTonight: 'Si le compteur saisi a une valeur plausible par rapport à la consommation habituelle, tous les signaux sont au vert. Il sera envoyé la nuit prochaine et ne pourra plus être modifié',
  partialDevice: 'Il manque encore un compteur de cette machine : elle sera envoyée quand tous ses compteurs seront saisis (au plus tard à la fin de validité du lien).',
  transferred: 'Transmis, ne peut plus être modifié',
  clickHint: 'Cliquez simplement dans la case du compteur à saisir',
  nothingDue: 'Aucune machine ne nécessite de saisie pour cette période.',
  invalidLink: "Le lien utilisé est incorrect ou n'est plus valable.",
  tryAgain: 'Veuillez essayer à nouveau ou nous contacter si le problème persiste.',
  linkValidity:
    "Le lien n'est valable que jusqu'au 4 du mois suivant. Passé cette date ou en cas de problème technique merci de nous contacter par le moyen de votre choix",
  loggedOut: 'Vous êtes déconnecté. Pour revenir, utilisez le lien reçu par e-mail.',
  sessionOver: 'Votre visite est terminée (déconnexion ou délai dépassé). Pour continuer, rouvrez le lien reçu par e-mail.',
  tooMany: 'Trop de tentatives. Veuillez réessayer dans quelques minutes.',
  notSavedTransferred: 'Ce compteur a déjà été transmis : la valeur saisie n’a pas été enregistrée.',
  back: 'Retour à la saisie',
  failure: 'Une erreur est survenue. Veuillez réessayer plus tard.',
  printedOn: (date) => `Imprimé le ${date}`,
};

const de: PortalTexts = {
  date: (isoDate) => formatDate(isoDate, 'de'),
  title: 'Zählerstände erfassen',
  logout: 'Abmelden',
  languages: 'Sprache',
  intro:
    'Alle Geräte, deren Zählerstand erfasst werden muss, sind aufgeführt. Sie müssen nicht alle auf einmal erfassen, solange Sie es vor dem 4. des Folgemonats tun',
  linkValidUntil: (date) => `Dieser Link ist bis am ${date} gültig.`,
  customerNumber: (number) => `KUNDENNUMMER: ${number}`,
  equipmentId: (id) => `Geräte-ID: ${id}`,
  serialNumber: (serial) => `Seriennummer: ${serial}`,
  kinds: {
    black: 'Zähler Schwarz-Weiss',
    color: 'Zähler Farbe',
    scan: 'Zähler Scan',
    free1: 'Zähler Frei-1',
    free2: 'Zähler Frei-2',
  },
  lastReading: 'Letzte Ablesung',
  lastCounter: 'Letzter Zählerstand',
  newValue: 'Zählerstand eingeben',
  enteredValue: 'Erfasster Zählerstand',
  toEnter: 'Zu erfassen',
  enter: 'Erfassen',
  save: 'Speichern',
  done: 'Erfasst',
  check: 'Zu prüfen',
  change: 'Ändern',
  print: 'Drucken',
  failed: '✘ Fehler!',
  belowLast: (last) => `Der Wert muss grösser oder gleich dem letzten Zählerstand sein (${last})`,
  required: 'Bitte geben Sie den Zählerstand ein.',
  notWholeNumber: 'Bitte geben Sie eine ganze Zahl ein, ohne Buchstaben oder Dezimalstellen (zum Beispiel 358965).',
  tooLarge: 'Dieser Wert ist für einen Zähler zu gross.',
  implausible: '⚠ Der eingegebene Wert liegt deutlich über Ihrem üblichen Verbrauch. Bitte prüfen Sie ihn.',
  sentTonight: 'Liegt der erfasste Zählerstand im Rahmen des üblichen Verbrauchs, ist alles grün. Er wird in der nächsten Nacht übermittelt und kann danach nicht mehr geändert werden',
  partialDevice: 'Für diese Maschine fehlt noch ein Zähler: sie wird übermittelt, sobald alle ihre Zähler erfasst sind (spätestens wenn der Link abläuft).',
  transferred: 'Übermittelt, kann nicht mehr geändert werden',
  clickHint: 'Klicken Sie einfach in das Feld des Zählers, den Sie erfassen möchten',
  nothingDue: 'Für diese Periode muss kein Zählerstand erfasst werden.',
  invalidLink: 'Der verwendete Link ist falsch oder nicht mehr gültig.',
  tryAgain: 'Bitte versuchen Sie es erneut, oder kontaktieren Sie uns, wenn das Problem bestehen bleibt.',
  linkValidity:
    'Der Link ist nur bis zum 4. des Folgemonats gültig. Danach oder bei technischen Problemen kontaktieren Sie uns bitte auf dem Weg Ihrer Wahl',
  loggedOut: 'Sie sind abgemeldet. Um zurückzukehren, verwenden Sie den Link aus Ihrer E-Mail.',
  sessionOver: 'Ihr Besuch ist beendet (abgemeldet oder abgelaufen). Um weiterzumachen, öffnen Sie den Link aus Ihrer E-Mail erneut.',
  tooMany: 'Zu viele Versuche. Bitte versuchen Sie es in einigen Minuten erneut.',
  notSavedTransferred: 'Dieser Zähler ist schon übermittelt: der eingegebene Wert wurde nicht gespeichert.',
  back: 'Zurück zur Erfassung',
  failure: 'Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.',
  printedOn: (date) => `Gedruckt am ${date}`,
};

const en: PortalTexts = {
  date: (isoDate) => formatDate(isoDate, 'en'),
  title: 'Meter readings',
  logout: 'Log out',
  languages: 'Language',
  intro:
    'All the machines that need a meter reading are listed. You need not enter them all at once, as long as you do so before the 4th of the following month',
  linkValidUntil: (date) => `This link is valid until ${date}.`,
  customerNumber: (number) => `CUSTOMER NO.: ${number}`,
  equipmentId: (id) => `Equipment ID: ${id}`,
  serialNumber: (serial) => `Serial no.: ${serial}`,
  kinds: {
    black: 'Black-and-white counter',
    color: 'Colour counter',
    scan: 'Scan counter',
    free1: 'Free counter 1',
    free2: 'Free counter 2',
  },
  lastReading: 'Last reading',
  lastCounter: 'Last counter',
  newValue: 'Enter the counter',
  enteredValue: 'Counter entered',
  toEnter: 'To enter',
  enter: 'Enter',
  save: 'Save',
  done: 'Entered',
  check: 'To check',
  change: 'Change',
  print: 'Print',
  failed: '✘ Failed!',
  belowLast: (last) => `The value must be greater than or equal to the last counter (${last})`,
  required: 'Please enter the counter.',
  notWholeNumber: 'Please enter a whole number, without letters or decimals (for example 358965).',
  tooLarge: 'This value is too large for a counter.',
  implausible: '⚠ The value entered is considerably higher than your usual consumption. Please check it.',
  sentTonight: 'If the counter entered is plausible for the usual usage, all signals are green. It will be sent tonight and can no longer be changed after that',
  partialDevice: 'A counter of this machine is still missing: it is sent once all its counters are entered (at the latest when the link ends).',
  transferred: 'Sent, can no longer be changed',
  clickHint: 'Simply click in the box of the counter to enter',
  nothingDue: 'No machine needs a reading for this period.',
  invalidLink: 'The link you used is incorrect or no longer valid.',
  tryAgain: 'Please try again, or contact us if the problem persists.',
  linkValidity:
    'The link is only valid until the 4th of the following month. After that date, or if there is a technical problem, please contact us by any means you like',
  loggedOut: 'You are logged out. To come back, use the link in your e-mail.',
  sessionOver: 'Your visit has ended (logged out, or timed out). To go on, open the link in your e-mail again.',
  tooMany: 'Too many attempts. Please try again in a few minutes.',
  notSavedTransferred: 'This counter has been sent already: the value entered was not saved.',
  back: 'Back to entering',
  failure: 'Something went wrong. Please try again later.',
  printedOn: (date) => `Printed on ${date}`,
};

export const PORTAL_TEXTS: Record<Language, PortalTexts> = { fr, de, en };

/** The customer's language, else the first of the browser's that the portal speaks. */
export function pickLanguage(acceptLanguage: string | undefined, fallback: Language): Language {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const code = part.trim().slice(0, 2).toLowerCase();
    if (isLanguage(code)) return code;
  }
  return fallback;
}
