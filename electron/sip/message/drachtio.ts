/**
 * The one typed entry point into `drachtio-sip` (the customer's chosen message library). The package ships no
 * type declarations, so the functions this adapter relies on are typed here and nowhere else.
 */
// @ts-expect-error -- drachtio-sip ships no type declarations; the parts used are typed just below.
import drachtioSip from 'drachtio-sip';

/** What `drachtio-sip`'s `parser.parseUri` returns for a URI it accepts. */
export interface DrachtioUri {
  family: 'ipv4' | 'ipv6';
  scheme: string;
  user?: string;
  password?: string;
  host: string;
  /** `NaN` when the URI has no port. */
  port: number;
  params: Record<string, string | null>;
  headers: Record<string, string>;
}

interface DrachtioModule {
  parser: { parseUri(s: string): DrachtioUri | undefined };
}

/** `drachtio-sip`'s URI parser: sound for `sip:`/`sips:` URIs whose host is a dotted name or IPv4 address. */
export const drachtioParseUri: (s: string) => DrachtioUri | undefined = (drachtioSip as DrachtioModule).parser
  .parseUri;
