type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined>;

/**
 * Creates an element with attributes and children. Text goes in as text nodes, never as HTML,
 * and nothing is inline (no `style` or `on*` attributes), so the page keeps to a strict CSP.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...toNodes(children.flat()));
  return element;
}

/** Replaces an element's children. */
export function fill(element: Element, ...children: (Child | Child[])[]): void {
  element.replaceChildren(...toNodes(children.flat()));
}

/** An element of the page, which the console cannot work without. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`The page has no ${type.name} #${id}`);
  return element;
}

function toNodes(children: Child[]): (Node | string)[] {
  return children
    .filter(
      (child): child is Node | string | number =>
        child !== null && child !== undefined && child !== false,
    )
    .map((child) => (typeof child === 'number' ? String(child) : child));
}
