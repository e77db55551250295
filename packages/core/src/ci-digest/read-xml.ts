/** One element of a parsed XML document: enough of XML for JUnit reports. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text and CDATA, entities decoded. */
  text: string;
}

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return entities[entity] ?? whole;
  });

const token =
  /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/\s*([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|</g;
const attribute = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * A tolerant, dependency-free XML reader: elements, attributes, text, CDATA and entities. It never
 * throws: unknown constructs are skipped, unclosed elements are closed at the end, and a stray
 * closing tag closes up to the nearest open element of that name. Returns the top-level elements.
 */
export const readXml = (xml: string): XmlElement[] => {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  for (const match of xml.matchAll(token)) {
    const [, cdata, closing, opening, attributeText, selfClosing, text] = match;
    const parent = stack.at(-1) ?? root;
    if (cdata !== undefined) parent.text += cdata;
    else if (text !== undefined) parent.text += decodeEntities(text);
    else if (closing !== undefined) {
      const open = stack.findLastIndex((element) => element.name === closing);
      if (open > 0) stack.length = open;
    } else if (opening !== undefined) {
      const attributes: Record<string, string> = {};
      for (const [, key, double, single] of (attributeText ?? '').matchAll(attribute)) {
        if (key) attributes[key] = decodeEntities(double ?? single ?? '');
      }
      const element: XmlElement = { name: opening, attributes, children: [], text: '' };
      parent.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  return root.children;
};

/** Every element named `name` at any depth, in document order. */
export const findElements = (elements: readonly XmlElement[], name: string): XmlElement[] =>
  elements.flatMap((element) => [...(element.name === name ? [element] : []), ...findElements(element.children, name)]);
