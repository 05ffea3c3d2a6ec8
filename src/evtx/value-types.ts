// BinXML value type codes (MS-EVEN6 2.2.12, "Value Type"); 0x80 marks the array form of a type.

export const ValueType = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SystemTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
} as const;

export const ARRAY_FLAG = 0x80;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(ValueType).map(([k, v]) => [v, k]));

export function valueTypeName(t: number): string {
  const base = NAMES[t & ~ARRAY_FLAG];
  if (base === undefined) return `unknown(0x${t.toString(16)})`;
  return t & ARRAY_FLAG ? `${base}[]` : base;
}

export function isKnownValueType(t: number): boolean {
  return NAMES[t & ~ARRAY_FLAG] !== undefined && (t & ARRAY_FLAG ? (t & ~ARRAY_FLAG) <= ValueType.HexInt64 && t !== ARRAY_FLAG : true);
}

/** Fixed byte width of the scalar types that have one. */
export const FIXED_SIZE: Record<number, number> = {
  [ValueType.Int8]: 1,
  [ValueType.UInt8]: 1,
  [ValueType.Int16]: 2,
  [ValueType.UInt16]: 2,
  [ValueType.Int32]: 4,
  [ValueType.UInt32]: 4,
  [ValueType.Int64]: 8,
  [ValueType.UInt64]: 8,
  [ValueType.Real32]: 4,
  [ValueType.Real64]: 8,
  [ValueType.Bool]: 4,
  [ValueType.Guid]: 16,
  [ValueType.FileTime]: 8,
  [ValueType.SystemTime]: 16,
  [ValueType.HexInt32]: 4,
  [ValueType.HexInt64]: 8,
};
