import { describe, expect, it } from 'vitest';
import { makeTile } from '../../testing/fake-console-api';
import { buildLayout, keyTarget } from './tile-grid-nav';

const sections = [
  { name: 'Front', tiles: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((n) => makeTile(n)) },
  { name: 'Back', tiles: ['b1', 'b2', 'b3'].map((n) => makeTile(n)) },
];
const key = (k: string, ctrlKey = false) => ({ key: k, ctrlKey });

describe('buildLayout', () => {
  it('puts a heading row before each group', () => {
    const layout = buildLayout(sections, { cols: 4, rowH: 20, headerH: 30, headers: true, labelCols: 0 });
    expect(layout.rows.map((row) => (row.kind === 'header' ? `#${row.name}` : row.tiles.map((t) => t.id).join(' ')))).toEqual([
      '#Front',
      'ta1 ta2 ta3 ta4',
      'ta5 ta6 ta7',
      '#Back',
      'tb1 tb2 tb3',
    ]);
    expect(layout.total).toBe(30 + 20 + 20 + 30 + 20);
  });

  it('names a group by a label in its first row on the wall, and keeps the visual column for ↑/↓', () => {
    const layout = buildLayout(sections, { cols: 5, rowH: 20, headerH: 30, headers: true, labelCols: 2 });
    expect(layout.rows.map((row) => (row.kind === 'tiles' ? `${row.label ? `[${row.label.name} ${row.label.count}] ` : ''}${row.tiles.map((t) => t.id).join(' ')}` : 'header'))).toEqual([
      '[Front 7] ta1 ta2 ta3',
      'ta4 ta5 ta6 ta7',
      '[Back 3] tb1 tb2 tb3',
    ]);
    expect(layout.total).toBe(60);
    expect(layout.pos.get('ta1')).toEqual({ row: 0, col: 2 });
    // ta4 sits in column 0, under the label: ↑ goes to the nearest tile, ta1; the others keep their column.
    expect(keyTarget(layout, key('ArrowUp'), 'ta4', 1)).toBe('ta1');
    expect(keyTarget(layout, key('ArrowUp'), 'ta7', 1)).toBe('ta2');
    expect(keyTarget(layout, key('ArrowDown'), 'ta1', 1)).toBe('ta6');
    expect(keyTarget(layout, key('ArrowDown'), 'ta3', 1)).toBe('ta7');
    expect(keyTarget(layout, key('ArrowDown'), 'ta6', 1)).toBe('tb1');
    expect(keyTarget(layout, key('ArrowRight'), 'ta7', 1)).toBe('tb1');
    expect(keyTarget(layout, key('Home'), 'ta2', 1)).toBe('ta1');
    expect(keyTarget(layout, key('End', true), 'ta2', 1)).toBe('tb3');
  });

  it('needs no headings or labels for one unnamed group', () => {
    const layout = buildLayout([{ name: '', tiles: sections[0]?.tiles ?? [] }], { cols: 3, rowH: 20, headerH: 30, headers: false, labelCols: 2 });
    expect(layout.rows.every((row) => row.kind === 'tiles' && !row.label)).toBe(true);
    expect(layout.rows).toHaveLength(3);
  });
});
