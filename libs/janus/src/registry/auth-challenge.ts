export interface AuthChallenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/** Parses a WWW-Authenticate header such as `Bearer realm="https://auth/token",service="reg",scope="repository:x:pull"`. */
export function parseAuthChallenge(header: string | null): AuthChallenge | null {
  if (!header) return null;
  const match = /^(\w+)\s*(.*)$/s.exec(header.trim());
  if (!match) return null;
  const scheme = match[1].toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return null;
  const params: Record<string, string> = {};
  for (const m of match[2].matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) params[m[1].toLowerCase()] = m[2] ?? m[3];
  return { scheme, params };
}
