// Log text is attacker-controlled: before anything reaches a terminal, control characters
// (ESC sequences, bells, backspaces, C1 controls, bidi overrides) are made visible instead.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function sanitizeForTerminal(s: string): string {
  return s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
