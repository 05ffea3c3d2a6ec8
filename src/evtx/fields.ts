// Fields by name, without building XML or JSON. Each template gets a layout once (which names it
// defines and where their values come from); a record then only decodes the values asked for.
// Names: `<Data Name="X">` is X; other leaf elements by their own name (EventID, Channel, UserData
// leaves, unnamed Data); attributes as `Element_Attribute` (Provider_Name, TimeCreated_SystemTime).
import { literalValue, nestedNodes, substitutionValue } from './expand.js';
import type { InstanceNode, Node, SubstitutionValues, Template } from './nodes.js';
import type { ChunkContext } from './tokens.js';
import { ARRAY_FLAG, ValueType } from './value-types.js';
import { valueText, type Value } from './values.js';

interface Slot {
  /** Field name; empty when it comes from a substituted Data Name attribute (see nameParts). */
  name: string;
  nameParts: Node[] | null;
  parts: Node[];
  /** An attribute: absent (not null) when its value is null, as in the JSON. */
  attribute: boolean;
  /** A template instance in the nodes themselves: its fields stand at this place. */
  instance: InstanceNode | null;
  /** Inside `<System>` (or an attribute of the `<Event>` envelope) rather than the event's data. */
  system: boolean;
}

/** A field with where it sits: name, value, and whether it is a System field. */
type Entry = [string, Value, boolean];

/**
 * Receives values as they lie in the chunk, for readers that key on raw bytes (the prefilter's
 * memo), or decoded when a value is not one substitution. Null values are not passed.
 */
export interface RawValueVisitor {
  /** `size` bytes of value type `type` at `offset` of `bytes`: what decodeValue reads. */
  raw(bytes: Uint8Array, type: number, offset: number, size: number): void;
  decoded(value: Value): void;
}

interface Layout {
  slots: Slot[];
  /** Slots with a fixed name, by name, in document order. */
  byName: Map<string, number[]>;
  /** A slot is a template instance or takes its name from a substitution: never simple. */
  structural: boolean;
  /** Substitution indexes in slot contents: nested BinXML when a record's value has that type. */
  contentSubsts: number[];
}

const layouts = new WeakMap<Template, Layout>();

/**
 * Windows puts EventData (or UserData) in a BinXML substitution that holds a template instance of
 * its own, so nearly every record is two scopes. A flat layout lists the slots of both in document
 * order with their names, worked out once per (outer layout, nested templates) pair, so a record
 * finds a field by name and decodes only that value instead of walking all its fields.
 */
interface FlatLayout {
  /** Substitution indexes of the outer scope that held the nested instances, in slot order. */
  nestedAt: number[];
  /** Per flat slot: which scope (0 = outer, k = k-th nested instance) and the slot. */
  scopeOf: number[];
  slots: Slot[];
  byName: Map<string, number[]>;
}

/** Flat layouts of one outer layout, keyed by its nested templates in order. */
interface FlatNode {
  flat?: FlatLayout;
  next?: Map<Template, FlatNode>;
}
const flatLayouts = new WeakMap<Layout, FlatNode>();
/** Scratch for Scope.flatten (not reentrant). */
const nestedScratch: number[] = [];

function layoutOf(template: Template): Layout {
  let l = layouts.get(template);
  if (!l) {
    l = buildLayout(template.nodes);
    layouts.set(template, l);
  }
  return l;
}

function buildLayout(nodes: Node[]): Layout {
  const layout: Layout = { slots: [], byName: new Map(), structural: false, contentSubsts: [] };
  const addSlot = (slot: Slot) => {
    const i = layout.slots.push(slot) - 1;
    if (slot.instance || slot.nameParts || slot.parts.some((p) => p.kind === 'instance')) layout.structural = true;
    for (const p of slot.parts) if (p.kind === 'subst') layout.contentSubsts.push(p.index);
    if (!slot.nameParts && !slot.instance) {
      const list = layout.byName.get(slot.name);
      if (list) list.push(i);
      else layout.byName.set(slot.name, [i]);
    }
  };
  const walk = (list: Node[], depth: number, system: boolean) => {
    const slot = (name: string, parts: Node[], attribute: boolean, nameParts: Node[] | null = null, inSystem = system): Slot => ({ name, nameParts, parts, attribute, instance: null, system: inSystem });
    for (const n of list) {
      if (n.kind === 'instance') {
        addSlot({ ...slot('', [], false), instance: n });
        continue;
      }
      if (n.kind !== 'element') continue;
      const nameAttr = n.name === 'Data' ? n.attrs.find((a) => a.name === 'Name') : undefined;
      for (const a of n.attrs) {
        if (a === nameAttr) continue;
        // Namespace declarations are not event data, wherever they stand.
        const envelope = (depth === 0 && n.name === 'Event') || a.name === 'xmlns' || a.name.startsWith('xmlns:');
        addSlot(slot(`${n.name}_${a.name}`, a.parts, true, null, system || envelope));
      }
      const content: Node[] = [];
      const elements: Node[] = [];
      for (const c of n.children) (c.kind === 'element' || c.kind === 'instance' ? elements : content).push(c);
      // A leaf is a field (null when empty), unless it only carries attributes (<TimeCreated …/>).
      const attrsOnly = n.attrs.length > (nameAttr ? 1 : 0) && content.length === 0;
      if ((elements.length === 0 && !attrsOnly) || content.length > 0) {
        const constName = nameAttr ? constantText(nameAttr.parts) : n.name;
        addSlot(slot(constName ?? '', content, false, constName === undefined ? nameAttr!.parts : null));
      }
      walk(elements, depth + 1, system || (depth <= 1 && n.name === 'System'));
    }
  };
  walk(nodes, 0, false);
  return layout;
}

/** Text of parts that hold no substitution; undefined when a part depends on the record. */
function constantText(parts: Node[]): string | undefined {
  let s = '';
  for (const p of parts) {
    const v = literalValue(p);
    if (v === undefined) return undefined;
    s += valueText(v);
  }
  return s;
}

function isNested(values: SubstitutionValues | null, p: Node): boolean {
  if (p.kind !== 'subst' || !values) return false;
  const t = values.type(p.index);
  return t === ValueType.BinXml || t === ValueType.EvtXml;
}

/** One template's fields for one set of values (a record's instance, or a nested one). */
class Scope {
  private simple: boolean | null = null;

  constructor(
    private readonly ctx: ChunkContext,
    private readonly layout: Layout,
    private readonly values: SubstitutionValues | null,
  ) {}

  private partValue(p: Node): Value {
    if (p.kind !== 'subst') return literalValue(p) ?? null;
    if (!this.values || (p.optional && p.type === ValueType.Null)) return null;
    return substitutionValue(this.ctx, this.values, p.index);
  }

  slotValue(slot: Slot): Value {
    const parts = slot.parts;
    if (parts.length === 0) return null;
    if (parts.length === 1) return this.partValue(parts[0]);
    let s = '';
    for (const p of parts) s += valueText(this.partValue(p));
    return s;
  }

  /**
   * Passes the slot's value to `visitor` without decoding it when it is one substitution; returns
   * 1 when `collect` would list the slot (a null element counts, a null attribute does not).
   */
  visitSlot(slot: Slot, visitor: RawValueVisitor): number {
    const parts = slot.parts;
    const values = this.values;
    const p = parts.length === 1 ? parts[0] : null;
    if (p !== null && p.kind === 'subst' && values) {
      if ((p.optional && p.type === ValueType.Null) || p.index >= values.count) return slot.attribute ? 0 : 1;
      const type = values.type(p.index);
      const offset = values.offset(p.index);
      const size = values.size(p.index);
      // Out of bounds: decoding reports it, as a read of the value would.
      if (offset + size <= this.ctx.bytes.length && type !== ValueType.BinXml && type !== ValueType.EvtXml) {
        if (type === ValueType.Null) return slot.attribute ? 0 : 1;
        visitor.raw(this.ctx.bytes, type, offset, size);
        return 1;
      }
    }
    const v = this.slotValue(slot);
    if (v === null) return slot.attribute ? 0 : 1;
    visitor.decoded(v);
    return 1;
  }

  /** The type of substitution `i` in this record (-1 when absent or there are no values). */
  substitutionType(i: number): number {
    return this.values ? this.values.type(i) : -1;
  }

  layoutSlots(): readonly Slot[] {
    return this.layout.slots;
  }

  /** True when, in this record, every slot has a fixed name and a plain value (no nesting). */
  isSimple(): boolean {
    if (this.simple === null) {
      let simple = !this.layout.structural;
      if (simple && this.values) {
        const v = this.values;
        for (const i of this.layout.contentSubsts) {
          const t = v.type(i);
          if (t === ValueType.BinXml || t === ValueType.EvtXml) {
            simple = false;
            break;
          }
        }
      }
      this.simple = simple;
    }
    return this.simple;
  }

  /**
   * This record's fields as a flat layout over this scope and its nested instances, when every
   * nested value is one template instance whose fields are all simple; null otherwise (then
   * `entries` walks the record).
   */
  flatten(): { scopes: Scope[]; flat: FlatLayout } | null {
    const layout = this.layout;
    const values = this.values;
    if (layout.structural || !values) return null;
    const scopes: Scope[] = [this];
    const nestedAt = nestedScratch; // copied only when a new flat layout keeps it
    nestedAt.length = 0;
    let node = flatLayouts.get(layout);
    if (!node) flatLayouts.set(layout, (node = {}));
    for (const i of layout.contentSubsts) {
      const t = values.type(i);
      if (t !== ValueType.BinXml && t !== ValueType.EvtXml) continue;
      const nodes = nestedNodes(this.ctx, values, i);
      const inst = nodes.length === 1 && nodes[0].kind === 'instance' ? nodes[0] : null;
      if (!inst || !inst.template) return null;
      const inner = new Scope(this.ctx, layoutOf(inst.template), inst.values);
      if (!inner.isSimple()) return null;
      scopes.push(inner);
      nestedAt.push(i);
      const next: Map<Template, FlatNode> = (node.next ??= new Map());
      let child = next.get(inst.template);
      if (!child) next.set(inst.template, (child = {}));
      node = child;
    }
    let flat = node.flat;
    if (!flat || flat.nestedAt.length !== nestedAt.length || flat.nestedAt.some((x, k) => x !== nestedAt[k])) {
      flat = node.flat = buildFlatLayout(layout, scopes, [...nestedAt]);
    }
    return { scopes, flat };
  }

  /** `visitSlot` for each slot of a fixed-name field; only for simple scopes (see isSimple). */
  visitNamed(name: string, visitor: RawValueVisitor): number {
    const own = this.layout.byName.get(name);
    let n = 0;
    if (own) for (let k = 0; k < own.length; k++) n += this.visitSlot(this.layout.slots[own[k]], visitor);
    return n;
  }

  /** Values of a fixed-name field; only for simple scopes (see isSimple). */
  collect(name: string, out: Value[]): void {
    const own = this.layout.byName.get(name);
    if (!own) return;
    for (const i of own) {
      const slot = this.layout.slots[i];
      const v = this.slotValue(slot);
      if (v !== null || !slot.attribute) out.push(v);
    }
  }

  /** All fields in document order; nested content stands where its element stands. */
  entries(out: Entry[]): void {
    for (const slot of this.layout.slots) {
      if (slot.instance) {
        this.nestedInstance(slot.instance, out);
        continue;
      }
      let container = false;
      for (const p of slot.parts) {
        if (p.kind === 'instance') {
          container = true;
          this.nestedInstance(p, out);
        } else if (isNested(this.values, p)) {
          container = true;
          new Scope(this.ctx, buildLayout(nestedNodes(this.ctx, this.values!, (p as { index: number }).index)), null).entries(out);
        }
      }
      if (container) continue;
      const name = slot.nameParts ? slot.nameParts.map((p) => valueText(this.partValue(p))).join('') : slot.name;
      const v = this.slotValue(slot);
      if (v !== null || !slot.attribute) out.push([name, v, slot.system]);
    }
  }

  private nestedInstance(inst: InstanceNode, out: Entry[]): void {
    if (inst.template) new Scope(this.ctx, layoutOf(inst.template), inst.values).entries(out);
  }
}

/** A flat view's fields in document order (System ones too when `withSystem`), decoded. */
function flatEntries(view: { scopes: Scope[]; flat: FlatLayout }, withSystem: boolean, out: Entry[]): Entry[] {
  const { slots, scopeOf } = view.flat;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i];
    if (slot.system && !withSystem) continue;
    const v = view.scopes[scopeOf[i]].slotValue(slot);
    if (v !== null || !slot.attribute) out.push([slot.name, v, slot.system]);
  }
  return out;
}

function buildFlatLayout(outer: Layout, scopes: Scope[], nestedAt: number[]): FlatLayout {
  const flat: FlatLayout = { nestedAt, scopeOf: [], slots: [], byName: new Map() };
  const add = (scope: number, slot: Slot) => {
    const i = flat.slots.push(slot) - 1;
    flat.scopeOf.push(scope);
    const list = flat.byName.get(slot.name);
    if (list) list.push(i);
    else flat.byName.set(slot.name, [i]);
  };
  // Same order as Scope.entries: a slot holding nested content is replaced by that content.
  let k = 0;
  for (const slot of outer.slots) {
    let container = false;
    for (const p of slot.parts) {
      if (p.kind === 'subst' && k < nestedAt.length && p.index === nestedAt[k]) {
        container = true;
        k++;
        for (const inner of scopes[k].layoutSlots()) add(k, inner);
      }
    }
    if (!container) add(0, slot);
  }
  return flat;
}

/** A record's fields. Values decode on each read; callers that read a field often keep the result. */
export class RecordFields {
  private readonly scope: Scope;
  private located: Entry[] | null = null;
  private cachedEntries: Array<[string, Value]> | null = null;
  /** Fields in document order by name, for records whose names or nesting vary. */
  private ordered: Map<string, Value[]> | null = null;
  private flat: { scopes: Scope[]; flat: FlatLayout } | null | undefined = undefined;

  constructor(ctx: ChunkContext, nodes: Node[]) {
    // The usual record is one template instance; anything else gets a layout of its own.
    const only = nodes.length === 1 && nodes[0].kind === 'instance' ? nodes[0] : null;
    this.scope = only && only.template
      ? new Scope(ctx, layoutOf(only.template), only.values)
      : new Scope(ctx, buildLayout(nodes), null);
  }

  /** The flat view of this record's fields, when it has one (see Scope.flatten). */
  private flatView(): { scopes: Scope[]; flat: FlatLayout } | null {
    if (this.flat === undefined) this.flat = this.scope.isSimple() ? null : this.scope.flatten();
    return this.flat;
  }

  /** Every value of a field, in document order (unnamed Data and repeated names give several). */
  all(name: string): Value[] {
    const out: Value[] = [];
    if (this.scope.isSimple()) {
      this.scope.collect(name, out);
      return out;
    }
    const view = this.flatView();
    if (view) {
      const at = view.flat.byName.get(name);
      if (at) {
        for (const i of at) {
          const slot = view.flat.slots[i];
          const v = view.scopes[view.flat.scopeOf[i]].slotValue(slot);
          if (v !== null || !slot.attribute) out.push(v);
        }
      }
      return out;
    }
    if (!this.ordered) {
      this.ordered = new Map();
      for (const [k, v] of this.entries()) {
        const list = this.ordered.get(k);
        if (list) list.push(v);
        else this.ordered.set(k, [v]);
      }
    }
    const list = this.ordered.get(name);
    if (list) for (const v of list) out.push(v);
    return out;
  }

  /**
   * Every value of a field, as `all(name)` lists them, passed to `visitor` (raw where it can be;
   * nulls left out). Returns how many values `all(name)` has.
   */
  visitValues(name: string, visitor: RawValueVisitor): number {
    if (this.scope.isSimple()) return this.scope.visitNamed(name, visitor);
    const view = this.flatView();
    if (view) {
      const at = view.flat.byName.get(name);
      let n = 0;
      if (at) for (const i of at) n += view.scopes[view.flat.scopeOf[i]].visitSlot(view.flat.slots[i], visitor);
      return n;
    }
    const all = this.all(name);
    for (const v of all) if (v !== null) visitor.decoded(v);
    return all.length;
  }

  /**
   * Every leaf value (as `forEach` gives them; nulls left out) passed to `visitor`; with
   * `stringsOnly`, only string-typed ones where the record's layout tells types apart (values
   * whose slot is constant text or several parts are always given).
   */
  visitLeaves(stringsOnly: boolean, visitor: RawValueVisitor): void {
    const view = this.scope.isSimple() ? null : this.flatView();
    if (!view && !this.scope.isSimple()) {
      this.forEach((_, v) => v !== null && visitor.decoded(v));
      return;
    }
    const slots = view ? view.flat.slots : this.scope.layoutSlots();
    for (let i = 0; i < slots.length; i++) {
      const scope = view ? view.scopes[view.flat.scopeOf[i]] : this.scope;
      const slot = slots[i];
      if (stringsOnly && slot.parts.length === 1 && slot.parts[0].kind === 'subst') {
        const base = scope.substitutionType(slot.parts[0].index) & ~ARRAY_FLAG;
        if (base !== ValueType.String && base !== ValueType.AnsiString) continue;
      }
      scope.visitSlot(slot, visitor);
    }
  }

  /** The first value of a field; undefined when the record has no such field. */
  get(name: string): Value | undefined {
    const all = this.all(name);
    return all.length ? all[0] : undefined;
  }

  private locatedEntries(): Entry[] {
    if (!this.located) {
      const out: Entry[] = (this.located = []);
      const view = this.scope.isSimple() ? null : this.flatView();
      if (view) flatEntries(view, true, out);
      else this.scope.entries(out);
    }
    return this.located;
  }

  /** All fields in document order (worked out once per record; do not modify). */
  entries(): ReadonlyArray<readonly [string, Value]> {
    return (this.cachedEntries ??= this.locatedEntries().map(([k, v]) => [k, v]));
  }

  /** Calls `fn` for every field in document order, without building a list. */
  forEach(fn: (name: string, value: Value) => void): void {
    const all = this.locatedEntries();
    for (let i = 0; i < all.length; i++) fn(all[i][0], all[i][1]);
  }

  /** The event's own data (EventData, UserData), without the System fields, in document order. */
  dataEntries(): Array<[string, Value]> {
    const out: Array<[string, Value]> = [];
    const view = this.located ? null : this.scope.isSimple() ? null : this.flatView();
    // Through a flat layout only the data slots are decoded (a summary needs no System value).
    const entries = view ? flatEntries(view, false, []) : this.locatedEntries();
    for (const [k, v, system] of entries) if (!system) out.push([k, v]);
    return out;
  }
}
