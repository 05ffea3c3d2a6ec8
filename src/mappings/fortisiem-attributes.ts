// FortiSIEM attribute → EVTX field per eventType. The table is data (`fortisiem-attributes.yml`,
// schema described there), validated when loaded; `--mapping FILE` adds or overrides entries
// through a top-level `fortisiem:` section in the same schema.
import { readFileSync } from 'node:fs';
import micromatch from 'micromatch';
import { asMap, asText, mappingTop, onlyKeys, readMappingFile, type Fail, type MappingSource } from './logsource-map.js';

export const HASHES = ['MD5', 'SHA1', 'SHA256', 'IMPHASH'] as const;
export type HashName = (typeof HASHES)[number];

/** Where an attribute's values come from in a record. */
export type AttributeSource =
  | { kind: 'field'; field: string }
  /** `DOMAIN\user` split: the user part (all of it without `\`), or the domain part. */
  | { kind: 'account'; field: string; part: 'user' | 'domain' }
  /** One hash out of a Sysmon `Hashes` list (`MD5=…,SHA256=…`). */
  | { kind: 'hash'; field: string; hash: HashName };

interface Entry {
  glob: string;
  matches: (eventType: string) => boolean;
  attributes: ReadonlyMap<string, AttributeSource>;
}

export interface AttributeTable {
  /** In the order they apply: bundled entries, then each user file's. */
  entries: readonly Entry[];
}

const BUNDLED = new URL('./fortisiem-attributes.yml', import.meta.url);
let bundledText: string | undefined;

/** The bundled table, then the `fortisiem:` section of each user mapping file in order. */
export function loadAttributeTable(userFiles: readonly string[] = []): AttributeTable {
  bundledText ??= readFileSync(BUNDLED, 'utf8');
  const sources: Array<MappingSource & { section?: string }> = [
    { file: 'fortisiem-attributes.yml', text: bundledText },
    ...userFiles.map((file) => ({ ...readMappingFile(file), section: 'fortisiem' })),
  ];
  return parseAttributeTable(sources);
}

/** Parses mapping texts (pure); `section` names the top-level key holding the table in a user file. */
export function parseAttributeTable(sources: ReadonlyArray<MappingSource & { section?: string }>): AttributeTable {
  const entries: Entry[] = [];
  for (const source of sources) {
    const { section } = source;
    const { top: outer, fail } = mappingTop(source);
    let top: unknown = outer;
    if (section) {
      if (outer[section] === undefined || outer[section] === null) continue;
      top = outer[section];
    }
    const prefix = section ? `${section}.` : '';
    const m = asMap(top, section ?? '(top level)', fail);
    onlyKeys(m, ['attributes'], section ?? '(top level)', fail);
    if (m.attributes === undefined || m.attributes === null) continue;
    for (const [glob, v] of Object.entries(asMap(m.attributes, `${prefix}attributes`, fail))) {
      const path = `${prefix}attributes.${glob}`;
      const attributes = new Map<string, AttributeSource>();
      for (const [attribute, source] of Object.entries(asMap(v, path, fail))) {
        if (attribute === 'eventType') fail(`${path}.eventType`, 'eventType is derived (fortisiem-event-types.yml), not mapped');
        attributes.set(attribute, readSource(source, `${path}.${attribute}`, fail));
      }
      const matches = micromatch.matcher(glob, { nocase: true });
      entries.push({ glob, matches, attributes });
    }
  }
  return { entries };
}

/** The attribute sources of a record whose eventType spellings are `names` (later entries win). */
export function attributesFor(table: AttributeTable, names: readonly string[]): Map<string, AttributeSource> {
  const out = new Map<string, AttributeSource>();
  for (const e of table.entries) {
    if (!names.some((n) => e.matches(n))) continue;
    for (const [k, v] of e.attributes) out.set(k, v);
  }
  return out;
}

function readSource(v: unknown, path: string, fail: Fail): AttributeSource {
  if (typeof v === 'string') return { kind: 'field', field: asText(v, path, fail) };
  const m = asMap(v, path, fail);
  onlyKeys(m, ['field', 'part', 'hash'], path, fail);
  const field = asText(m.field, `${path}.field`, fail);
  if (m.part !== undefined && m.hash !== undefined) fail(path, 'has both part and hash');
  if (m.part !== undefined) {
    if (m.part !== 'user' && m.part !== 'domain') fail(`${path}.part`, "must be 'user' or 'domain'");
    return { kind: 'account', field, part: m.part as 'user' | 'domain' };
  }
  if (m.hash !== undefined) {
    const hash = String(m.hash).toUpperCase();
    if (!(HASHES as readonly string[]).includes(hash)) fail(`${path}.hash`, `must be one of ${HASHES.join(', ')}`);
    return { kind: 'hash', field, hash: hash as HashName };
  }
  return { kind: 'field', field };
}
