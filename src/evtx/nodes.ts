// The parsed form of a BinXML fragment: a small XML tree whose leaves may be substitutions.
// Template definitions parse once into this form (see template.ts); records fill in the values.
import type { SubstitutionValues } from './substitutions.js';
import type { Value } from './values.js';

export type { SubstitutionValues };

export type Node =
  | ElementNode
  | TextNode
  | SubstitutionNode
  | EntityRefNode
  | CharRefNode
  | CDataNode
  | PINode
  | InstanceNode;

export interface ElementNode {
  kind: 'element';
  name: string;
  attrs: AttributeNode[];
  children: Node[];
  /** The element's JSON key, worked out on first render (templates are rendered many times). */
  jsonKey: JsonKey | null;
}

export interface JsonKey {
  /** JSON-quoted key followed by ':'. */
  text: string;
  /** A Data element without a literal Name: only the general JSON builder renders it. */
  general: boolean;
  /** All children are elements with fixed, distinct keys: no duplicate check needed below. */
  distinctChildren: boolean;
  /** Attribute names are distinct and each attribute has one value part. */
  simpleAttrs: boolean;
  /** JSON-quoted attribute names followed by ':', in attribute order. */
  attrKeys: string[];
}

export interface AttributeNode {
  name: string;
  /** Usually one text or substitution node; entity references may follow. */
  parts: Node[];
}

/** A literal value written in the template or fragment itself. */
export interface TextNode {
  kind: 'text';
  value: Value;
}

/** A hole filled by the template instance's value `index`. */
export interface SubstitutionNode {
  kind: 'subst';
  index: number;
  /** Optional substitution: dropped entirely when its declared type is Null. */
  optional: boolean;
  /** The type the template declares for this hole (the instance's own type wins for decoding). */
  type: number;
}

export interface EntityRefNode {
  kind: 'entity';
  name: string;
}

export interface CharRefNode {
  kind: 'charref';
  code: number;
}

export interface CDataNode {
  kind: 'cdata';
  text: string;
}

export interface PINode {
  kind: 'pi';
  target: string;
  data: string;
}

/** A template instance: a template plus the bytes of its substitution values. */
export interface InstanceNode {
  kind: 'instance';
  /** Null when the template definition could not be read (reported as damage). */
  template: Template | null;
  values: SubstitutionValues;
}

export interface Template {
  /** Offset of the definition inside its chunk. */
  offset: number;
  guid: string;
  nodes: Node[];
}
