/**
 * The Electron security checklist for the back-office window (SPEC §7): it loads only the
 * app's own file, opens no other sites, embeds no webviews and is granted no permissions.
 * The decisions themselves live in policy.ts, where they are unit-tested.
 */
import { app, shell, type Session, type WebContents } from 'electron';
import { logger } from '../core/log';
import { CONTENT_SECURITY_POLICY, isAllowedExternalUrl, isOwnRendererUrl } from './policy';

const log = logger('electron-security');

/**
 * Must run before `app` is ready: every renderer, including any a future feature creates,
 * is sandboxed whatever its own webPreferences say.
 */
export function enableSandbox(): void {
  app.enableSandbox();
}

/** Session-wide layers; call once the app is ready, before the first window loads. */
export function secureSession(session: Session): void {
  // The back-office needs no camera, notifications, geolocation, clipboard API or device
  // access; a page that asks has been tampered with. Checks are answered before requests,
  // so both handlers are needed.
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn({ permission }, 'denied a permission request');
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);

  // A second layer behind the meta CSP in index.html, which is the one that counts: whether
  // Chromium runs this hook for file:// responses has varied between versions, but it covers
  // whatever arrives over http(s).
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
}

/**
 * Guards every web contents the app creates, the main window's and any other. Installed on
 * `web-contents-created` so that nothing created later can slip past it.
 */
export function secureWebContents(rendererFile: string): void {
  app.on('web-contents-created', (_event, contents) => guard(contents, rendererFile));
}

function guard(contents: WebContents, rendererFile: string): void {
  // Navigation away from our file would hand the preload bridge (and with it the database)
  // to whatever page loads next. will-frame-navigate is will-navigate for every frame, not
  // only the top one. In-page route changes (#/…) fire neither event.
  contents.on('will-frame-navigate', (event) => {
    if (!isOwnRendererUrl(event.url, rendererFile)) {
      event.preventDefault();
      log.warn({ url: event.url }, 'blocked a navigation');
    }
  });
  contents.on('will-redirect', (event) => {
    if (!isOwnRendererUrl(event.url, rendererFile)) {
      event.preventDefault();
      log.warn({ url: event.url }, 'blocked a redirect');
    }
  });

  // No new windows, ever. A link meant for the outside world (target="_blank", e.g. help
  // pages) opens in the OS browser, but only over https: other schemes could start local
  // programs or open local files.
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) {
      shell
        .openExternal(url)
        .catch((error: unknown) => log.warn({ err: error, url }, 'could not open a link'));
    } else {
      log.warn({ url }, 'blocked a new window');
    }
    return { action: 'deny' };
  });

  // A <webview> runs with its own preferences and could bring its own preload: not here.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('blocked a webview');
  });
}
