/** `npm run bench`: runs every benchmark and prints its figures (goals live here, not in timed tests). */
import { benchNotifyRouting } from './notify-routing';
import { benchDialogInfo } from './dialog-info-parse';
import { benchApplyRate, benchRlmiApply } from './blf-apply';
import { benchGridFrames } from './grid-frames';
import { appTrace, benchParse, benchUdpAnswer } from './sip-core';

function print(title: string, figures: Record<string, string>): void {
  console.log(`\n${title}`);
  for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(44)} ${value}`);
}

const only = process.argv[2];
const want = (name: string): boolean => !only || only === name;

if (want('sip')) {
  print('SIP message layer', benchParse());
  print('SIP stack: request → 200 OK over UDP loopback', await benchUdpAnswer());
  const routing = await benchNotifyRouting();
  print('BLF: NOTIFY → 200 OK through subscriptions (1,000 subscriptions, target ≥ 20,000/s, p99 < 10 ms)', routing.figures);
  const trace = appTrace();
  const traced = await benchNotifyRouting({ onWire: trace.onWire });
  trace.close();
  print('BLF: the same with the SIP trace recording every message, as in the app', traced.figures);
}
if (want('blf')) {
  print('BLF: event bodies', {
    'dialog-info parse': `${Math.round(benchDialogInfo()).toLocaleString('en')} bodies/s`,
    ...benchApplyRate(),
    ...benchRlmiApply(),
  });
}
if (want('grid')) print('Tile grid in Chromium: 1,000 tiles, 500 changes/s (target frame p95 < 16 ms)', await benchGridFrames());
