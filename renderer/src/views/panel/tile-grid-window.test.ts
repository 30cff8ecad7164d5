import { describe, expect, it } from 'vitest';
import { makeTile } from '../../testing/fake-console-api';
import { buildLayout } from './tile-grid-nav';
import { nextStep, renderWindow, STEP_BUDGET_MS } from './tile-grid-window';

/** Ten rows of four tiles under one heading: row 0 is the heading, rows 1–10 hold tiles. */
const rows = buildLayout([{ name: 'Front', tiles: Array.from({ length: 40 }, (_, i) => makeTile(100 + i)) }], {
  cols: 4,
  rowH: 20,
  headerH: 30,
  headers: true,
  labelCols: 0,
}).rows;

describe('renderWindow', () => {
  it('renders the rows in view and the overscan when the cap allows', () => {
    expect(renderWindow(rows, { first: 3, last: 5 }, { first: 1, last: 8 }, Number.POSITIVE_INFINITY)).toEqual({ first: 1, last: 8, complete: true });
  });

  it('builds the rows in view first, from the top, within the cap', () => {
    expect(renderWindow(rows, { first: 0, last: 6 }, { first: 0, last: 9 }, 12)).toEqual({ first: 0, last: 3, complete: false });
  });

  it('adds overscan below before above', () => {
    expect(renderWindow(rows, { first: 4, last: 5 }, { first: 2, last: 7 }, 16)).toEqual({ first: 4, last: 7, complete: false });
    expect(renderWindow(rows, { first: 4, last: 5 }, { first: 2, last: 7 }, 24)).toEqual({ first: 2, last: 7, complete: true });
  });

  it('always renders the first row in view, even past the cap', () => {
    expect(renderWindow(rows, { first: 2, last: 4 }, { first: 2, last: 4 }, 0)).toEqual({ first: 2, last: 2, complete: false });
  });

  it('renders nothing past the last row', () => {
    expect(renderWindow(rows, { first: 11, last: 11 }, { first: 9, last: 11 }, 100)).toEqual({ first: 11, last: 10, complete: true });
  });
});

describe('nextStep', () => {
  it('sizes the next step to the script budget at the last step’s rate', () => {
    expect(nextStep(30, STEP_BUDGET_MS)).toBe(30);
    expect(nextStep(60, STEP_BUDGET_MS * 2)).toBe(30);
  });

  it('at most doubles, never falls below a few tiles, and caps a step', () => {
    expect(nextStep(30, 0.5)).toBe(60);
    expect(nextStep(30, 0)).toBe(60);
    expect(nextStep(30, 10_000)).toBe(12);
    expect(nextStep(400, 1)).toBe(480);
  });
});
