import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  isAllowedExternalUrl,
  isOwnRendererUrl,
} from '../../src-main/electron/policy';

const rendererDir = resolve('/opt/meterdesk/resources/app.asar/out/renderer');
const rendererFile = join(rendererDir, 'index.html');
const ownUrl = pathToFileURL(rendererFile).href;

describe('isOwnRendererUrl', () => {
  it('accepts our own index.html, with a route or query', () => {
    expect(isOwnRendererUrl(ownUrl, rendererFile)).toBe(true);
    expect(isOwnRendererUrl(`${ownUrl}#/devices/42`, rendererFile)).toBe(true);
    expect(isOwnRendererUrl(`${ownUrl}?lang=fr`, rendererFile)).toBe(true);
  });

  it('refuses other local files, also when disguised', () => {
    expect(
      isOwnRendererUrl(pathToFileURL(join(rendererDir, 'other.html')).href, rendererFile),
    ).toBe(false);
    expect(isOwnRendererUrl(pathToFileURL(resolve('/etc/passwd')).href, rendererFile)).toBe(false);
    expect(
      isOwnRendererUrl(pathToFileURL(join(rendererDir, 'assets', 'index.html')).href, rendererFile),
    ).toBe(false);
    // A dot segment that leaves the folder and comes back is still our file...
    expect(
      isOwnRendererUrl(pathToFileURL(rendererDir).href + '/../renderer/index.html', rendererFile),
    ).toBe(true);
    // ...but one that lands elsewhere is not, nor is an encoded separator.
    expect(isOwnRendererUrl(pathToFileURL(rendererDir).href + '/../index.html', rendererFile)).toBe(
      false,
    );
    expect(isOwnRendererUrl(pathToFileURL(rendererDir).href + '%2Findex.html', rendererFile)).toBe(
      false,
    );
  });

  it('refuses a file URL on another host (a network share)', () => {
    const onShare = ownUrl.replace('file:///', 'file://evil-server/');
    expect(isOwnRendererUrl(onShare, rendererFile)).toBe(false);
  });

  it('refuses web, script and data URLs', () => {
    expect(isOwnRendererUrl('http://localhost:4780/', rendererFile)).toBe(false);
    expect(isOwnRendererUrl('http://127.0.0.1:5173/index.html', rendererFile)).toBe(false);
    expect(isOwnRendererUrl('https://example.com/index.html', rendererFile)).toBe(false);
    expect(isOwnRendererUrl('javascript:alert(1)', rendererFile)).toBe(false);
    expect(isOwnRendererUrl('data:text/html,<script>alert(1)</script>', rendererFile)).toBe(false);
    expect(isOwnRendererUrl('about:blank', rendererFile)).toBe(false);
    expect(isOwnRendererUrl('not a url', rendererFile)).toBe(false);
    expect(isOwnRendererUrl('', rendererFile)).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  it('allows https links', () => {
    expect(isAllowedExternalUrl('https://www.meterdesk.ch/help')).toBe(true);
    expect(isAllowedExternalUrl('https://example.com/?q=1#x')).toBe(true);
  });

  it('refuses everything else', () => {
    for (const url of [
      'http://example.com/',
      'http://localhost:4780/',
      ownUrl,
      'javascript:alert(1)',
      'data:text/html,hi',
      'mailto:office@example.com',
      'smb://server/share',
      'ms-settings:privacy',
      'https://user:secret@example.com/',
      'https://',
      'nonsense',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources.join(' ')];
    }),
  );

  it('carries the same directives as the renderer meta tag', () => {
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(directives.get('img-src')).toBe("'self' data:");
    expect(directives.get('font-src')).toBe("'self' data:");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
  });

  it('never allows inline scripts or eval', () => {
    expect(directives.get('script-src')).not.toMatch(/unsafe-(inline|eval)/);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });
});
