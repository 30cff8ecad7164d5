import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COMPACT_HEAP_FLAGS, useCompactHeap } from './compact-heap';

describe('useCompactHeap', () => {
  it('sets the optimize-for-size flag', () => {
    const set: string[] = [];
    useCompactHeap((flags) => set.push(flags));
    expect(set).toEqual(['--optimize-for-size']);
  });

  it('is a flag this V8 accepts at run time (an unknown flag would make the child print a warning)', () => {
    // Run in a child: flags are process-wide and would change how every other test in this worker runs.
    const child = spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(COMPACT_HEAP_FLAGS)}); console.log('ok')`], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('ok');
    expect(child.stderr).toBe('');
  });
});
