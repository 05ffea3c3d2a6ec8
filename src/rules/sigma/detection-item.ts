// A Sigma detection item (`Field|mod|mod: value or list`) or keyword list → one Predicate
// (sigma-semantics §1, §2, §7). The values run through the modifier registry; this file reads the
// key and the YAML value, and turns what comes out into field, keyword and boolean nodes.
import { FALSE, type GlobPart, type Predicate, type ValueTest } from '../ast.js';
import { regexProblem } from '../../compile/safe-regex.js';
import { MODIFIERS, type Chain, type ItemContext, type Modifier, type SigmaValue } from './modifiers.js';
import {
  isPlaceholder,
  parseExpandable,
  parseSigmaString,
  toValueTest,
  withLeadingAny,
  withTrailingAny,
} from './sigma-string.js';

export type { ItemContext };

/** Where an item's values are looked for: one field, or every leaf value (keywords). */
type Target = { field: string } | { keyword: true };

/**
 * `key` is the field and its modifiers (`Image|endswith`, `CommandLine|contains|all`); `value` is
 * the YAML value: a scalar or a list of scalars. A key without a field (`|all`, `|contains`) is a
 * keyword search. Any problem is reported through `ctx` and the item becomes FALSE.
 */
export function fieldItem(key: string, value: unknown, ctx: ItemContext): Predicate {
  const [field, ...modifiers] = key.split('|');
  return item(field === '' ? { keyword: true } : { field }, modifiers, value, ctx);
}

/**
 * A keyword list (a scalar or list under an identifier): each keyword matches when some leaf value
 * of the event matches `*keyword*`, with Sigma wildcards and escapes. OR, or AND with `all`.
 */
export function keywordItem(values: unknown, all: boolean, ctx: ItemContext): Predicate {
  return item({ keyword: true }, all ? ['all'] : [], values, ctx);
}

function item(target: Target, names: string[], value: unknown, ctx: ItemContext): Predicate {
  let failed = false;
  const inner: ItemContext = {
    placeholders: ctx.placeholders,
    problem: (reason, kind) => {
      failed = true;
      ctx.problem(reason, kind);
    },
  };

  const modifiers: Modifier[] = [];
  for (const name of names) {
    const modifier = MODIFIERS.get(name);
    if (modifier) modifiers.push(modifier);
    else inner.problem(`unknown modifier ${name}`, 'invalid');
  }
  if (failed) return FALSE;

  const list = Array.isArray(value) ? value : [value];
  // `F: []` means the field is null (§1); an empty keyword list matches nothing.
  if (list.length === 0) return 'field' in target ? { kind: 'null', field: target.field } : FALSE;

  // `%name%` is a placeholder only when the item expands placeholders (§7).
  const placeholders = names.includes('expand');
  let chain: Chain = {
    groups: list.map((v) => initialValue(v, placeholders, inner)),
    all: false,
    cased: false,
    negate: false,
  };
  for (const modifier of modifiers) chain = modifier.apply(chain, inner);
  if (failed) return FALSE;

  const groups = chain.groups.map((g) => anyOf(g.map((v) => predicate(target, v, chain.cased, inner))));
  if (failed) return FALSE;
  const linked = chain.all ? allOf(groups) : anyOf(groups);
  return chain.negate ? { kind: 'not', item: linked } : linked;
}

/** A YAML scalar as a value; one group with one alternative (none after a problem). */
function initialValue(value: unknown, placeholders: boolean, ctx: ItemContext): SigmaValue[] {
  if (value === null) return [{ kind: 'null' }];
  if (typeof value === 'string') {
    const parts = placeholders ? parseExpandable(value) : parseSigmaString(value);
    return [{ kind: 'string', parts, raw: value }];
  }
  if (typeof value === 'number') return [{ kind: 'number', value }];
  if (typeof value === 'bigint') return [{ kind: 'number', value: Number(value) }];
  if (typeof value === 'boolean') return [{ kind: 'boolean', value }];
  ctx.problem(`a detection value must be a string, number, boolean or null, not ${JSON.stringify(value)}`, 'invalid');
  return [];
}

/** What one final value means for the target. */
function predicate(target: Target, value: SigmaValue, cased: boolean, ctx: ItemContext): Predicate {
  const test = (t: ValueTest): Predicate =>
    'field' in target ? { kind: 'field', field: target.field, test: t } : { kind: 'keyword', test: t };
  const needsField = (what: string): Predicate => {
    ctx.problem(`${what} needs a field name`, 'invalid');
    return FALSE;
  };

  switch (value.kind) {
    case 'string': {
      const parts: GlobPart[] = [];
      for (const part of value.parts) {
        if (isPlaceholder(part)) return needsField('a placeholder outside expand'); // cannot happen
        parts.push(part);
      }
      // A keyword is searched anywhere in a value.
      const glob = 'field' in target ? parts : withTrailingAny(withLeadingAny(parts));
      return test(toValueTest(glob, cased || value.cased === true));
    }
    case 'number':
    case 'boolean':
      return predicate(target, { kind: 'string', parts: [String(value.value)] }, cased, ctx);
    case 'null':
      return 'field' in target ? { kind: 'null', field: target.field } : needsField('null');
    case 'bytes':
      ctx.problem('wide / utf16 modifiers must be followed by base64 or base64offset', 'invalid');
      return FALSE;
    case 'regex': {
      const problem = regexProblem(value.pattern, value.flags);
      if (problem !== undefined) {
        ctx.problem(`regular expression ${JSON.stringify(value.pattern)}: ${problem}`, 'unsupported');
        return FALSE;
      }
      return test({ kind: 'regex', pattern: value.pattern, flags: value.flags });
    }
    case 'cidr':
      return test({ kind: 'cidr', network: value.network });
    case 'compare':
      return test({ kind: 'compare', op: value.op, value: value.value });
    case 'timepart':
      return test({ kind: 'timepart', part: value.part, value: value.value });
    case 'fieldref':
      if (!('field' in target)) return needsField('fieldref');
      return { kind: 'fieldref', field: target.field, other: value.field, match: value.match, cased };
    case 'exists': {
      if (!('field' in target)) return needsField('exists');
      const present: Predicate = { kind: 'exists', field: target.field };
      return value.present ? present : { kind: 'not', item: present };
    }
  }
}

function anyOf(items: Predicate[]): Predicate {
  const flat = items.flatMap((p) => (p.kind === 'or' ? p.items : [p]));
  return flat.length === 1 ? flat[0] : { kind: 'or', items: flat };
}

function allOf(items: Predicate[]): Predicate {
  return items.length === 1 ? items[0] : { kind: 'and', items };
}
