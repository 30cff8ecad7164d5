/**
 * `sip:`, `tel:` and `callto:` links (issue 12 §7): the console registers as the OS handler for the three schemes and
 * dials what a clicked link names. Links arrive by `open-url` on macOS and on the command line on Windows and Linux
 * (of this start, or of a second start forwarded by single-instance.ts). Every link goes through the strict
 * {@link parseDialLink} first; what it refuses is logged and nothing else happens, so a web page cannot make the
 * console dial or even raise its window with a crafted string. A valid link shows the window and is dialled through
 * the contract's `calls.dial`, exactly as if typed in the dial box.
 */
import type { App } from 'electron';
import { DIAL_LINK_SCHEMES, dialLinkInArgv, parseDialLink } from '../../shared/dial-link';
import type { Result } from '../../shared/result';

export interface ProtocolLinkDeps {
  app: Pick<App, 'setAsDefaultProtocolClient' | 'isPackaged' | 'on'>;
  /** Dials `target` through the contract's `calls.dial` (validated there once more). */
  dial(target: string): Promise<Result<unknown>>;
  showWindow(): void;
  log(message: string): void;
}

/** Receives dial links from the OS; holds the last one until the console is ready to dial. */
export class ProtocolLinks {
  private started = false;
  private waiting: string | undefined;

  constructor(private readonly deps: ProtocolLinkDeps) {}

  /**
   * Makes the console the OS handler for sip:, tel: and callto: (Windows registry, macOS Launch Services, Linux
   * `xdg-settings`; the installers declare the schemes too, build/electron-builder.yml). A development run
   * registers nothing, or every link on the machine would start a bare Electron.
   */
  registerClients(): void {
    if (!this.deps.app.isPackaged) return;
    for (const scheme of DIAL_LINK_SCHEMES)
      if (!this.deps.app.setAsDefaultProtocolClient(scheme)) this.deps.log(`Could not register as the handler of ${scheme}: links`);
  }

  /** macOS delivers links by `open-url`, possibly before `ready`: listen from the start. */
  listenForOpenUrl(): void {
    this.deps.app.on('open-url', (event, url) => {
      event.preventDefault();
      this.handle(url);
    });
  }

  /** A command line (this start's or a second start's): dials the link on it, if any. */
  handleArgv(argv: readonly string[]): void {
    const link = dialLinkInArgv(argv);
    if (link !== undefined) this.handle(link);
  }

  /** One link from the OS: parsed strictly, then dialled now or once {@link ready} is called. */
  handle(raw: string): void {
    const parsed = parseDialLink(raw);
    if (!parsed.ok) {
      this.deps.log(`${parsed.error.message} (${JSON.stringify(raw.slice(0, 80))})`);
      return;
    }
    if (!this.started) {
      // Only the last link clicked while the console starts is dialled: an old click must not dial later.
      this.waiting = parsed.value.target;
      return;
    }
    this.dial(parsed.value.target);
  }

  /** The console service runs: dials the link that came during the start, and every later one at once. */
  ready(): void {
    this.started = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting !== undefined) this.dial(waiting);
  }

  private dial(target: string): void {
    this.deps.showWindow();
    void this.deps.dial(target).then(
      (result) => {
        if (!result.ok) this.deps.log(`Link not dialled: ${result.error.message}`);
      },
      (err: unknown) => this.deps.log(`Link not dialled: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
}
