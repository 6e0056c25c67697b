/**
 * The decisions behind the Electron shell's security checks, as plain functions: which URLs
 * are our own renderer, which may open in the OS browser, and the Content Security Policy.
 * Kept free of `electron` so that unit tests can check them without the binary.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * True only for the app's own `index.html` as a file:// URL (any #route or ?query on it).
 * Any other file is refused: a page that may load arbitrary local files could read the
 * clerk's disk, and one that may load http://localhost could be any program's server.
 */
export function isOwnRendererUrl(url: string, rendererFile: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // A host in a file URL is a network share on Windows (file://server/share), never ours.
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
  try {
    // fileURLToPath decodes percent-escapes and throws on encoded separators, so an
    // escaped path cannot pass for ours; the URL parser has already resolved dot segments.
    return resolve(fileURLToPath(parsed)) === resolve(rendererFile);
  } catch {
    return false;
  }
}

/**
 * Links the renderer may hand to the OS browser: https only. Anything else (http, file,
 * javascript:, custom schemes that start other programs) stays shut.
 */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'https:' &&
      parsed.hostname !== '' &&
      parsed.username === '' &&
      parsed.password === ''
    );
  } catch {
    return false;
  }
}

/**
 * The same policy as the meta tag in the renderer's index.html. Inline styles stay allowed
 * because React and ag-grid set `style` attributes; inline scripts and eval do not.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data:",
  'font-src': "'self' data:",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
  // Only possible in a header (a meta CSP ignores it): no one may frame the back-office.
  'frame-ancestors': "'none'",
};

export const CONTENT_SECURITY_POLICY = Object.entries(CSP_DIRECTIVES)
  .map(([directive, sources]) => `${directive} ${sources}`)
  .join('; ');
