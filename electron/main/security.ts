/**
 * Hardening of the Electron window, following the Electron security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security): a strict CSP, no navigation, no new windows, no
 * permissions, no webviews.
 */
import type { Session, WebContents } from 'electron';

/**
 * The renderer's Content-Security-Policy. The dev server needs its HMR WebSocket and injects component styles as
 * `<style>` elements, so development relaxes `connect-src` and `style-src`; the packaged app does not.
 */
export function electronCsp(devServerUrl?: string): string {
  const dev = devServerUrl ? new URL(devServerUrl) : undefined;
  const devWs = dev ? ` ws://${dev.host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${devWs}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

type SessionLike = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/**
 * Adds the CSP to every response of the session and denies every permission request and check, except what a
 * phone needs (issue 10): the microphone (`media` with audio only, never the camera or the screen) and choosing the
 * headset and ringer outputs (`speaker-selection`), both for our own page's main frame only.
 */
export function hardenSession(session: SessionLike, csp: string, isTrustedUrl: (url: string) => boolean = () => false): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const key of Object.keys(headers))
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const fromUs = details?.isMainFrame !== false && isTrustedUrl(details?.requestingUrl ?? '');
    const media = details as { mediaTypes?: string[] } | undefined;
    const audioOnly = (media?.mediaTypes ?? []).length > 0 && (media?.mediaTypes ?? []).every((type) => type === 'audio');
    callback(fromUs && ((permission === 'media' && audioOnly) || permission === 'speaker-selection'));
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) => {
    if (!isTrustedUrl(details?.requestingUrl ?? '') || details?.isMainFrame === false) return false;
    return permission === 'media' && details?.mediaType === 'audio';
  });
}

type ContentsLike = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** The console is one page: it never navigates, opens windows or attaches webviews. */
export function hardenWebContents(contents: ContentsLike): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
