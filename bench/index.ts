/** `npm run bench`: runs every benchmark and prints its figures. */
import { benchParse, benchUdpAnswer } from './sip-core';

function print(title: string, figures: Record<string, string>): void {
  console.log(`\n${title}`);
  for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(42)} ${value}`);
}

print('SIP message layer', benchParse());
print('SIP stack (transport + parser + transactions)', await benchUdpAnswer());
