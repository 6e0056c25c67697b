/**
 * The portal's pages, as the seed shows them: plain HTML forms that work without JavaScript.
 * `/portal.js` only adds a live check of the typed value and the print button's action.
 */
import { randomBytes } from 'node:crypto';
import { GROUPED_COUNTER } from '../../shared/format';
import { LANGUAGES, type Language } from '../../shared/models';
import type { PortalCounter, PortalDevice, PortalLink } from '../../db/portal/store';
import { escapeHtml, html, Html } from './html';
import type { PortalTexts } from './texts';

/** Each language by its own name: the customer finds theirs whatever the page speaks now. */
const LANGUAGE_NAMES: Record<Language, string> = { fr: 'Français', de: 'Deutsch', en: 'English' };

interface LayoutOptions {
  language: Language;
  texts: PortalTexts;
  body: Html;
  /** The CSRF token for the logout form; null on pages without a visit. */
  csrf: string | null;
  print?: boolean;
}

function layout({ language, texts, body, csrf, print }: LayoutOptions): Html {
  return html`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${texts.title}</title>
<link rel="icon" type="image/svg+xml" href="/favicon.svg">
<link rel="stylesheet" href="/portal.css">
<script src="/portal.js" defer></script>
</head>
<body${print ? html` class="print"` : ''}>
<header class="top">
  <h1>${texts.title}</h1>
  ${csrf !== null
    ? html`<nav class="languages" aria-label="${texts.languages}">${LANGUAGES.map((code) =>
        code === language
          ? html`<span aria-current="true">${LANGUAGE_NAMES[code]}</span>`
          : html`<a href="/langue/${code}" lang="${code}" hreflang="${code}">${LANGUAGE_NAMES[code]}</a>`,
      )}</nav>
  <form method="post" action="/deconnexion" class="logout">
    <input type="hidden" name="_csrf" value="${csrf}">
    <button type="submit" class="link">${texts.logout}</button>
  </form>`
    : ''}
</header>
<main>
${body}
</main>
</body>
</html>`;
}

export interface EntryError {
  counterId: number;
  value: string;
  message: string;
}

export interface ReadingsPageOptions {
  texts: PortalTexts;
  link: PortalLink;
  devices: PortalDevice[];
  csrf: string;
  /** The counter whose field is open (`Saisir`, `Modifier`). */
  editing: number | null;
  error: EntryError | null;
}

function deviceHeader(device: PortalDevice, texts: PortalTexts): Html {
  return html`<div class="device-head">
    <h2>${device.model}</h2>
    <p class="where"><span class="position">${device.position}</span> <span class="location">${device.location}</span></p>
    <p class="ids"><span>${texts.equipmentId(device.equipmentId)}</span> <span>${texts.serialNumber(device.serialNumber)}</span></p>
  </div>`;
}

function counterRow(counter: PortalCounter, device: PortalDevice, options: ReadingsPageOptions): Html {
  const { texts, csrf } = options;
  const error = options.error?.counterId === counter.id ? options.error : null;
  const entry = counter.entry;
  const open = !entry?.transferred && (error !== null || options.editing === counter.id);
  const fieldId = `v${counter.id}`;
  // Every Saisir / Modifier link says which counter it is for, to a screen reader's list of links.
  const which = html`<span class="visually-hidden"> ${texts.kinds[counter.kind]}, ${device.equipmentId}</span>`;
  const last = html`<td class="last-date">${texts.lastReading} ${counter.lastDate ? texts.date(counter.lastDate) : '—'}</td>
      <td class="last-value">${texts.lastCounter} ${counter.lastValue}</td>`;
  let state: Html;
  if (open) {
    const value = error ? error.value : entry ? String(entry.value) : '';
    // No #fragment in the links to this form: Chromium skips autofocus on a page whose address
    // has one, and the customer would have to click into the field. Focus scrolls to it.
    state = html`<td colspan="2" class="entry">
        <form method="post" action="/releve/${counter.id}" class="enter" novalidate>
          <input type="hidden" name="_csrf" value="${csrf}">
          <label class="visually-hidden" for="${fieldId}">${texts.kinds[counter.kind]} — ${texts.newValue}</label>
          <input id="${fieldId}" name="value" value="${value}" inputmode="numeric" autocomplete="off" autofocus
            data-last="${counter.lastValue}" data-below="${texts.belowLast(String(counter.lastValue))}"
            ${error ? html`aria-invalid="true" aria-describedby="e${counter.id}"` : ''}>${error ? html`<span class="bad" aria-hidden="true"> ✘</span>` : ''}
          <button type="submit">${texts.save}</button>
        </form>
      </td>`;
  } else if (entry) {
    state = html`<td class="value"><span class="stacked-label">${texts.enteredValue} </span>${entry.value}</td>
      <td class="state ${entry.flagged ? 'check' : 'done'}">${entry.flagged ? texts.check : texts.done} ${texts.date(entry.enteredOn)}
        ${entry.transferred
          ? html`<span class="locked">${texts.transferred}</span>`
          : html` <a href="/releve?saisir=${counter.id}">${texts.change}${which}</a>`}</td>`;
  } else {
    state = html`<td class="state todo">${texts.toEnter}</td>
      <td><a class="enter-link" href="/releve?saisir=${counter.id}">${texts.enter}${which}</a></td>`;
  }
  const notes: Html[] = [];
  if (error) {
    notes.push(html`<p class="error" id="e${counter.id}" role="alert"><strong>${texts.failed}</strong><br>${error.message}</p>`);
  } else if (entry?.flagged && !open && !entry.transferred) {
    // Once transferred the customer cannot change it: the office checks it, no call to check it here.
    notes.push(html`<p class="warning">${texts.implausible}</p>`);
  }
  return html`<tr id="c${counter.id}" class="counter">
      <th scope="row">${texts.kinds[counter.kind]}</th>
      ${last}
      ${state}
    </tr>
    ${notes.length > 0 ? html`<tr class="note"><td colspan="5">${notes}</td></tr>` : ''}`;
}

/** Some of a device's counters entered (not yet sent), others not: the device waits for them (`collect`). */
function partlyEntered(device: ReadingsPageOptions['devices'][number]): boolean {
  return device.counters.some((c) => c.entry && !c.entry.transferred) && device.counters.some((c) => !c.entry);
}

export function readingsPage(options: ReadingsPageOptions): Html {
  const { texts, link, devices } = options;
  const anyEntered = devices.some((device) => device.counters.some((c) => c.entry && !c.entry.transferred));
  // "Click in the box" before the counters, while one is still to enter; "sent tonight" after
  // them, while an entered one can still be changed.
  const anyToEnter = devices.some((device) => device.counters.some((c) => !c.entry));
  const body = html`${devices.length > 0 ? html`<p class="intro">${texts.intro}. ${texts.linkValidUntil(texts.date(link.validUntil))}</p>` : ''}
  <p class="tools"><a href="/imprimer" class="button">${texts.print}</a></p>
  <p class="customer"><strong>${texts.customerNumber(link.customerNumber)}</strong></p>
  ${devices.length === 0 ? html`<p>${texts.nothingDue}</p>` : ''}
  ${anyToEnter ? html`<p class="hint">${texts.clickHint}.</p>` : ''}
  ${devices.map(
    (device) => html`<section class="device" aria-label="${device.model} ${device.equipmentId}">
    ${deviceHeader(device, texts)}
    <table class="counters">
      <tbody>
      ${device.counters.map((counter) => counterRow(counter, device, options))}
      </tbody>
    </table>
    ${partlyEntered(device) ? html`<p class="hint partial">${texts.partialDevice}</p>` : ''}
  </section>`,
  )}
  ${anyEntered ? html`<p class="hint">${texts.sentTonight}.</p>` : ''}`;
  return layout({ language: link.language, texts, body, csrf: options.csrf });
}

/** Stands for the CSRF token in a cut page: random, so no published text can contain it. */
const CSRF_SLOT = `csrf-${randomBytes(12).toString('hex')}`;

/**
 * The readings page cut where its CSRF token goes (the logout form, an open entry form), so
 * that one rendering serves every request until what it shows changes, each with a token of
 * its own (`withCsrf`).
 */
export function readingsPageCut(options: Omit<ReadingsPageOptions, 'csrf'>): readonly string[] {
  return Object.freeze(readingsPage({ ...options, csrf: CSRF_SLOT }).text.split(CSRF_SLOT));
}

export function withCsrf(cut: readonly string[], csrf: string): Html {
  return new Html(cut.join(escapeHtml(csrf)));
}

export function printPage(texts: PortalTexts, link: PortalLink, devices: PortalDevice[], today: string): Html {
  const body = html`<p class="tools no-print"><button type="button" class="print-button" hidden>${texts.print}</button> <a href="/releve">${texts.back}</a></p>
  <p class="customer"><strong>${texts.customerNumber(link.customerNumber)}</strong></p>
  ${devices.map(
    (device) => html`<section class="device printed">
    <h2>${device.model}</h2>
    <p>${device.position} - ${device.location}<br>${texts.equipmentId(device.equipmentId)} ${texts.serialNumber(device.serialNumber)}</p>
    <table class="counters">
      <tbody>
      ${device.counters.map(
        (counter) => html`<tr>
        <th scope="row">${texts.kinds[counter.kind]}</th>
        ${counter.entry
          ? html`<td>${counter.entry.value}</td><td class="${counter.entry.flagged ? 'check' : 'done'}">${counter.entry.flagged ? texts.check : texts.done}</td><td>${texts.date(counter.entry.enteredOn)}</td>`
          : html`<td colspan="3" class="todo">${texts.toEnter}</td>`}
      </tr>`,
      )}
      </tbody>
    </table>
  </section>`,
  )}
  <p class="printed-on">${texts.printedOn(texts.date(today))}</p>`;
  return layout({ language: link.language, texts, body, csrf: null, print: true });
}

/** A page that only says something: the invalid link, logged out, too many attempts. */
export function messagePage(language: Language, texts: PortalTexts, lines: string[], contact: string): Html {
  const body = html`<div class="message">
    ${lines.map((line, index) => (index === 0 ? html`<p class="lead">${line}</p>` : html`<p>${line}</p>`))}
    ${contact ? html`<address>${contact.split('\n').map((line, index) => (index > 0 ? html`<br>${line}` : line))}</address>` : ''}
  </div>`;
  return layout({ language, texts, body, csrf: null });
}

export const PORTAL_CSS = `
:root { --green: #2e7d32; --orange: #b84300; --red: #c62828; --line: #d0d7de; font-family: system-ui, sans-serif; }
body { margin: 0; color: #1f2328; background: #f6f8fa; }
header.top { display: flex; justify-content: space-between; align-items: center; padding: .75rem 1.25rem; background: #24292f; color: #fff; }
header.top h1 { font-size: 1.25rem; margin: 0; }
header.top .languages { margin-left: auto; margin-right: 1.25rem; display: flex; gap: .75rem; }
header.top .languages a { color: #fff; }
header.top .languages span { font-weight: 600; }
button.link { background: none; border: 0; color: #fff; text-decoration: underline; cursor: pointer; font: inherit; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
.customer { font-size: 1.1rem; }
.device { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: 1rem 0; }
.device h2 { font-size: 1.05rem; margin: 0 0 .25rem; }
.device p { margin: .1rem 0; }
.ids span, .where span { margin-right: 1.5rem; }
table.counters { border-collapse: collapse; width: 100%; margin-top: .5rem; table-layout: fixed; }
table.counters th { width: 24%; } table.counters td.last-date { width: 20%; } table.counters td.last-value { width: 20%; }
td.value { width: 12%; }
table.counters th, table.counters td { text-align: left; padding: .4rem .5rem; border-top: 1px solid var(--line); vertical-align: middle; }
tr.note td { border-top: 0; padding-top: 0; }
.state.done, td.done { color: var(--green); }
.state.check, td.check { color: var(--orange); font-weight: 600; }
.state.todo, td.todo { color: #57606a; }
.warning { color: var(--orange); margin: 0; }
.error { color: var(--red); margin: 0; }
.bad { color: var(--red); font-weight: 700; }
.locked { display: block; color: #57606a; font-size: .85rem; }
form.enter { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
form.enter input[name=value] { width: 9rem; padding: .3rem .4rem; font-size: 1rem; }
button, a.button { padding: .35rem .8rem; border: 1px solid #1f6feb; background: #1f6feb; color: #fff; border-radius: 4px; font: inherit; text-decoration: none; cursor: pointer; }
.message { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; margin-top: 2rem; }
.message .lead { font-weight: 600; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.stacked-label { display: none; }
/* A phone: each counter a block of lines, the field and its button in full view, no sideways scrolling. */
@media (max-width: 40rem) {
  main { padding: .75rem .75rem 2rem; }
  header.top { padding: .6rem .75rem; flex-wrap: wrap; row-gap: .3rem; }
  header.top h1 { width: 100%; }
  header.top .languages { margin: 0 auto 0 0; gap: .6rem; }
  .device { padding: .6rem .75rem; }
  .ids span, .where span { display: block; margin-right: 0; }
  table.counters, table.counters tbody, table.counters tr, table.counters th, table.counters td,
  table.counters td.last-date, table.counters td.last-value, table.counters td.value { display: block; width: auto; }
  table.counters tr.counter { border-top: 1px solid var(--line); padding: .35rem 0; }
  table.counters th, table.counters td { border-top: 0; padding: .1rem 0; }
  form.enter input[name=value] { width: 100%; max-width: 16rem; font-size: 1.1rem; }
  .stacked-label { display: inline; color: #57606a; }
  /* A finger's size: Saisir and Modifier as buttons, not a line of text. */
  .enter-link, td.state a { display: inline-block; padding: .45rem .9rem; border: 1px solid #1f6feb; border-radius: 4px; margin-top: .2rem; }
}
@media print {
  header.top form, header.top .languages, .no-print, .tools { display: none; } body { background: #fff; } .device { border: 0; padding: 0; }
  /* Backgrounds are not printed by default: the title in black, not white on white. */
  header.top { background: none; color: #000; padding: 0 0 .5rem; }
}
`;

export const PORTAL_JS = `
var grouped = new RegExp(${JSON.stringify(GROUPED_COUNTER.source)});
// The link's token is the customer's key: out of the address bar and the history, so that
// Back after Déconnexion on a shared computer ends on the ended visit, not a new one.
if (/^\\/l\\//.test(location.pathname)) history.replaceState(null, '', '/releve' + location.hash);
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('.print-button').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
  document.querySelectorAll('input[data-last]').forEach(function (input) {
    var note = document.createElement('p');
    note.className = 'error live';
    note.setAttribute('aria-live', 'polite');
    input.form.after(note);
    input.addEventListener('input', function () {
      // Read as the server reads it (parseCounter): 344'805, 344.805, 344 805 alike.
      var text = input.value.trim();
      var value = /^\\d+$/.test(text) || grouped.test(text) ? Number(text.replace(/\\D/g, '')) : null;
      var below = value !== null && value < Number(input.dataset.last);
      note.textContent = below ? input.dataset.below : '';
    });
  });
});
`;
