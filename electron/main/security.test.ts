import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createSecretCipher } from './safe-storage-cipher';
import { electronCsp, hardenSession, hardenWebContents } from './security';

describe('electronCsp', () => {
  it('is strict in the packaged app and opens only the dev server WebSocket in development', () => {
    const prod = electronCsp();
    expect(prod).toContain("default-src 'self'");
    expect(prod).toContain("script-src 'self'");
    expect(prod).not.toContain('unsafe');
    const dev = electronCsp('http://localhost:5173/');
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).not.toContain('unsafe-eval');
  });
});

describe('the meta CSP of renderer/index.html', () => {
  const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1] ?? '';
  const directives = new Map(
    meta
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );

  it("lets the page connect only to its own origin ('self' covers the serve-mode ws:// of the same host and port)", () => {
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(meta).not.toMatch(/unsafe-|\*|(?:^|\s)(?:ws|wss|https?|blob):/);
  });
});

describe('hardenSession', () => {
  it('replaces any CSP header and denies permissions', () => {
    let onHeaders: ((d: unknown, cb: (r: unknown) => void) => void) | undefined;
    let request: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    const session = {
      webRequest: { onHeadersReceived: (l: typeof onHeaders) => (onHeaders = l) },
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
    };
    hardenSession(session as never, "default-src 'self'");
    let response: unknown;
    onHeaders!(
      { responseHeaders: { 'content-security-policy': ['*'], 'X-Other': ['1'] } },
      (r) => (response = r),
    );
    expect(response).toEqual({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': ["default-src 'self'"] },
    });
    let granted: boolean | undefined;
    request!({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    expect(check!()).toBe(false);
  });

  it('grants the microphone (audio only) and output selection to our page only', () => {
    type Request = (c: unknown, p: string, cb: (granted: boolean) => void, d: unknown) => void;
    type Check = (c: unknown, p: string, o: string, d: unknown) => boolean;
    let request: Request | undefined;
    let check: Check | undefined;
    const session = {
      webRequest: { onHeadersReceived: () => undefined },
      setPermissionRequestHandler: (h: Request) => (request = h),
      setPermissionCheckHandler: (h: Check) => (check = h),
    };
    const ours = 'app://console/index.html';
    hardenSession(session as never, "default-src 'self'", (url) => url === ours);
    const ask = (permission: string, details: unknown): boolean => {
      let granted = true;
      request!({}, permission, (g) => (granted = g), details);
      return granted;
    };
    expect(ask('media', { requestingUrl: ours, isMainFrame: true, mediaTypes: ['audio'] })).toBe(true);
    expect(ask('media', { requestingUrl: ours, isMainFrame: true, mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(ask('media', { requestingUrl: ours, isMainFrame: true, mediaTypes: [] })).toBe(false);
    expect(ask('media', { requestingUrl: 'https://evil.example/', isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);
    expect(ask('media', { requestingUrl: ours, isMainFrame: false, mediaTypes: ['audio'] })).toBe(false);
    expect(ask('speaker-selection', { requestingUrl: ours, isMainFrame: true })).toBe(true);
    expect(ask('geolocation', { requestingUrl: ours, isMainFrame: true })).toBe(false);
    expect(check!({}, 'media', 'app://console', { requestingUrl: ours, mediaType: 'audio' })).toBe(true);
    expect(check!({}, 'media', 'app://console', { requestingUrl: ours, mediaType: 'video' })).toBe(false);
    expect(check!({}, 'notifications', 'app://console', { requestingUrl: ours })).toBe(false);
  });
});

describe('hardenWebContents', () => {
  it('prevents navigation and denies new windows', () => {
    const handlers = new Map<string, (e: { preventDefault(): void }) => void>();
    let open: (() => unknown) | undefined;
    hardenWebContents({
      on: (name: string, h: never) => handlers.set(name, h),
      setWindowOpenHandler: (h: never) => (open = h),
    } as never);
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      handlers.get(name)!({ preventDefault: () => (prevented = true) });
      expect(prevented).toBe(true);
    }
    expect(open!()).toEqual({ action: 'deny' });
  });
});

describe('createSecretCipher', () => {
  const fake = (available: boolean) => ({
    isEncryptionAvailable: () => available,
    encryptString: (s: string) => Buffer.from(`x${s}`),
    decryptString: (b: Buffer) => b.toString().slice(1),
  });

  it('uses safeStorage (base64 of encryptString) when available', () => {
    const cipher = createSecretCipher(fake(true));
    expect(cipher.kind).toBe('safeStorage');
    expect(cipher.encrypt('pw')).toBe(Buffer.from('xpw').toString('base64'));
    expect(cipher.decrypt(cipher.encrypt('pässwörd'))).toBe('pässwörd');
  });

  it('falls back to plain when the OS has no encryption', () => {
    expect(createSecretCipher(fake(false)).kind).toBe('plain');
  });
});
