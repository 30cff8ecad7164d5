/**
 * Test setup for the renderer project: a ResizeObserver that reports each observed element once, in a microtask
 * after `observe`, as a browser does with the next frame's layout (the spec's first observation always fires).
 * happy-dom's observer never reports, and the tile grid (views/panel/TileGrid.vue) builds no tile before its first
 * report. Sizes come from the element (`clientWidth`/`clientHeight`, 0 in happy-dom; the grid then assumes a
 * common screen).
 */
class ReportingResizeObserver implements ResizeObserver {
  private readonly observed = new Set<Element>();

  constructor(private readonly callback: ResizeObserverCallback) {}

  observe(target: Element): void {
    this.observed.add(target);
    queueMicrotask(() => {
      if (!this.observed.has(target)) return;
      const rect = { x: 0, y: 0, top: 0, left: 0, width: target.clientWidth, height: target.clientHeight, right: target.clientWidth, bottom: target.clientHeight };
      const entry = { target, contentRect: { ...rect, toJSON: () => rect }, borderBoxSize: [], contentBoxSize: [], devicePixelContentBoxSize: [] } as unknown as ResizeObserverEntry;
      this.callback([entry], this);
    });
  }

  unobserve(target: Element): void {
    this.observed.delete(target);
  }

  disconnect(): void {
    this.observed.clear();
  }
}

globalThis.ResizeObserver = ReportingResizeObserver;
