// Fields by name, without building XML or JSON. Each template gets a layout once (which names it
// defines and where their values come from); a record then only decodes the values asked for.
// Names: `<Data Name="X">` is X; other leaf elements by their own name (EventID, Channel, UserData
// leaves, unnamed Data); attributes as `Element_Attribute` (Provider_Name, TimeCreated_SystemTime).
import { literalValue, nestedNodes, substitutionValue } from './expand.js';
import type { InstanceNode, Node, SubstitutionValues, Template } from './nodes.js';
import type { ChunkContext } from './tokens.js';
import { ValueType } from './value-types.js';
import { valueText, type Value } from './values.js';

interface Slot {
  /** Field name; empty when it comes from a substituted Data Name attribute (see nameParts). */
  name: string;
  nameParts: Node[] | null;
  parts: Node[];
  /** An attribute: absent (not null) when its value is null, as in the JSON. */
  attribute: boolean;
}

interface Layout {
  slots: Slot[];
  byName: Map<string, number[]>;
  /** Slots whose name or content depends on the record (substituted names, possible nested BinXML). */
  variable: number[];
  /** Template instances that sit in the nodes themselves (records not built from one template). */
  instances: InstanceNode[];
}

const layouts = new WeakMap<Template, Layout>();

function layoutOf(template: Template): Layout {
  let l = layouts.get(template);
  if (!l) {
    l = buildLayout(template.nodes);
    layouts.set(template, l);
  }
  return l;
}

function buildLayout(nodes: Node[]): Layout {
  const layout: Layout = { slots: [], byName: new Map(), variable: [], instances: [] };
  const addSlot = (slot: Slot) => {
    const i = layout.slots.push(slot) - 1;
    if (slot.nameParts || slot.parts.some((p) => p.kind === 'subst' || p.kind === 'instance')) layout.variable.push(i);
    if (!slot.nameParts) {
      const list = layout.byName.get(slot.name);
      if (list) list.push(i);
      else layout.byName.set(slot.name, [i]);
    }
  };
  const walk = (list: Node[]) => {
    for (const n of list) {
      if (n.kind === 'instance') {
        layout.instances.push(n);
        continue;
      }
      if (n.kind !== 'element') continue;
      const nameAttr = n.name === 'Data' ? n.attrs.find((a) => a.name === 'Name') : undefined;
      for (const a of n.attrs) if (a !== nameAttr) addSlot({ name: `${n.name}_${a.name}`, nameParts: null, parts: a.parts, attribute: true });
      const content: Node[] = [];
      const elements: Node[] = [];
      for (const c of n.children) (c.kind === 'element' ? elements : content).push(c);
      // A leaf is a field (null when empty), unless it only carries attributes (<TimeCreated …/>).
      const attrsOnly = n.attrs.length > (nameAttr ? 1 : 0) && content.length === 0;
      if ((elements.length === 0 && !attrsOnly) || content.length > 0) {
        const constName = nameAttr ? constantText(nameAttr.parts) : n.name;
        addSlot({ name: constName ?? '', nameParts: constName === undefined ? nameAttr!.parts : null, parts: content, attribute: false });
      }
      walk(elements);
    }
  };
  walk(nodes);
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
  private extra: Scope[] | null = null;
  private dynamicNames: Map<string, number[]> | null = null;

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

  private slotValue(slot: Slot): Value {
    const parts = slot.parts;
    if (parts.length === 0) return null;
    if (parts.length === 1) return this.partValue(parts[0]);
    let s = '';
    for (const p of parts) s += valueText(this.partValue(p));
    return s;
  }

  /** True when the slot's content is nested BinXML (its fields live in a nested scope instead). */
  private slotIsContainer(slot: Slot): boolean {
    for (const p of slot.parts) if (p.kind === 'instance' || isNested(this.values, p)) return true;
    return false;
  }

  /** Nested scopes and substituted names, worked out once per record on first need. */
  private resolveVariable(): void {
    if (this.extra) return;
    this.extra = [];
    this.dynamicNames = new Map();
    for (const inst of this.layout.instances) this.addInstance(inst);
    for (const i of this.layout.variable) {
      const slot = this.layout.slots[i];
      for (const p of slot.parts) {
        if (p.kind === 'instance') this.addInstance(p);
        else if (isNested(this.values, p)) this.addNodes(nestedNodes(this.ctx, this.values!, (p as { index: number }).index));
      }
      if (slot.nameParts) {
        const name = slot.nameParts.map((p) => valueText(this.partValue(p))).join('');
        const list = this.dynamicNames.get(name);
        if (list) list.push(i);
        else this.dynamicNames.set(name, [i]);
      }
    }
  }

  private addInstance(inst: InstanceNode): void {
    if (inst.template) this.extra!.push(new Scope(this.ctx, layoutOf(inst.template), inst.values));
  }

  private addNodes(nodes: Node[]): void {
    this.extra!.push(new Scope(this.ctx, buildLayout(nodes), null));
  }

  collect(name: string, out: Value[]): void {
    const own = this.layout.byName.get(name);
    if (own) {
      for (const i of own) {
        const slot = this.layout.slots[i];
        if (this.slotIsContainer(slot)) continue;
        const v = this.slotValue(slot);
        if (v !== null || !slot.attribute) out.push(v);
      }
    }
    if (this.layout.variable.length === 0 && this.layout.instances.length === 0) return;
    this.resolveVariable();
    const dyn = this.dynamicNames!.get(name);
    if (dyn) for (const i of dyn) out.push(this.slotValue(this.layout.slots[i]));
    for (const s of this.extra!) s.collect(name, out);
  }

  entries(out: Array<[string, Value]>): void {
    this.resolveVariable();
    for (const slot of this.layout.slots) {
      if (this.slotIsContainer(slot)) continue;
      const name = slot.nameParts ? slot.nameParts.map((p) => valueText(this.partValue(p))).join('') : slot.name;
      const v = this.slotValue(slot);
      if (v !== null || !slot.attribute) out.push([name, v]);
    }
    for (const s of this.extra!) s.entries(out);
  }
}

/** A record's fields. Values decode on each read; callers that read a field often keep the result. */
export class RecordFields {
  private readonly scope: Scope;

  constructor(ctx: ChunkContext, nodes: Node[]) {
    // The usual record is one template instance; anything else gets a layout of its own.
    const only = nodes.length === 1 && nodes[0].kind === 'instance' ? nodes[0] : null;
    this.scope = only && only.template
      ? new Scope(ctx, layoutOf(only.template), only.values)
      : new Scope(ctx, buildLayout(nodes), null);
  }

  /** Every value of a field, in document order (unnamed Data and repeated names give several). */
  all(name: string): Value[] {
    const out: Value[] = [];
    this.scope.collect(name, out);
    return out;
  }

  /** The first value of a field; undefined when the record has no such field. */
  get(name: string): Value | undefined {
    const all = this.all(name);
    return all.length ? all[0] : undefined;
  }

  /** All fields in document order. */
  entries(): Array<[string, Value]> {
    const out: Array<[string, Value]> = [];
    this.scope.entries(out);
    return out;
  }
}
