// JSON text for scalars, shared by the general builder and the direct writer.

const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** JSON string literal; most event text needs no escaping, which a regex test finds quickly. */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** JSON text of a scalar; 64-bit integers (bigint) are written exactly. */
export function jsonScalar(v: null | string | number | bigint | boolean): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return jsonString(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return v.toString();
    default:
      return v ? 'true' : 'false';
  }
}
