/**
 * A tiny element builder. Text always goes in as text nodes, never as HTML, so catalog text and
 * error messages cannot inject markup into the sidebar.
 */
type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(
    ...children
      .filter((child): child is Node | string | number => child !== null && child !== undefined && child !== false)
      .map((child) => (child instanceof Node ? child : String(child))),
  );
}

const SVG = 'http://www.w3.org/2000/svg';

/** A small inline sparkline of a series; empty values are skipped. */
export function sparkline(values: Array<number | null>, width = 260, height = 40): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('class', 'sparkline');
  const numbers = values.filter((value): value is number => typeof value === 'number');
  if (numbers.length < 2) return svg;
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const span = max - min || 1;
  const step = width / (values.length - 1);
  const points = values
    .map((value, i) => (typeof value === 'number' ? `${(i * step).toFixed(1)},${(height - 4 - ((value - min) / span) * (height - 8)).toFixed(1)}` : null))
    .filter(Boolean)
    .join(' ');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points);
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#1a73e8');
  line.setAttribute('stroke-width', '2');
  svg.append(line);
  return svg;
}

/**
 * Bars of shares from 0 to 1 (daily SLO attainment): full height is 100 %, a day below it is drawn
 * in the warning colour, and a day without data is a thin grey mark, not a zero. Each bar's title
 * is its tooltip (text, so never markup).
 */
export function shareBars(points: Array<{ label: string; share: number | null }>, width = 276, height = 44): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('class', 'share-bars');
  const slot = width / Math.max(1, points.length);
  points.forEach((point, i) => {
    const bar = document.createElementNS(SVG, 'rect');
    const barHeight = point.share === null ? 2 : Math.max(2, point.share * (height - 2));
    bar.setAttribute('x', (i * slot + 1).toFixed(1));
    bar.setAttribute('y', (height - barHeight).toFixed(1));
    bar.setAttribute('width', Math.max(1, slot - 2).toFixed(1));
    bar.setAttribute('height', barHeight.toFixed(1));
    bar.setAttribute('fill', point.share === null ? '#dadce0' : point.share < 1 ? '#e37400' : '#1e8e3e');
    bar.setAttribute('data-share', point.share === null ? '' : String(point.share));
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${point.label}: ${point.share === null ? '—' : `${(point.share * 100).toFixed(0)}%`}`;
    bar.append(title);
    svg.append(bar);
  });
  return svg;
}
