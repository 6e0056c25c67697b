/**
 * meterdesk's icon, a meter's dial: the tab icon of the back-office (as a data URL, which its
 * content security policy allows for images) and of the customer portal (`/favicon.svg`).
 */
export const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect width="32" height="32" rx="6" fill="#17324f"/>' +
  '<path d="M6.5 22a9.5 9.5 0 0 1 19 0" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round"/>' +
  '<path d="M16 22l5-7" stroke="#f0a030" stroke-width="3" stroke-linecap="round"/>' +
  '</svg>';
