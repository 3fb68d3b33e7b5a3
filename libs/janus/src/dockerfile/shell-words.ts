/** A word as the shell would pass it (quotes removed), or a control operator that ends a command. */
export type ShellToken = { word: string } | { op: string };

const OPERATORS = ['&&', '||', ';;', ';', '|', '&', '\n', '(', ')'];

/**
 * Splits shell text into words and control operators, with POSIX quoting: '…' literal, "…" with backslash
 * escapes, a backslash-newline joins lines, `#` at a word start comments to the end of the line. It does not
 * expand anything: `$VAR` and `$(…)` stay as written, which is all a linter needs to see commands and flags.
 */
export function shellTokens(text: string): ShellToken[] {
  const tokens: ShellToken[] = [];
  let word: string | null = null;
  const flush = () => {
    if (word !== null) tokens.push({ word });
    word = null;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      if (text[i + 1] === '\n') i++;
      else if (i + 1 < text.length) word = (word ?? '') + text[++i];
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? '') + text.slice(i + 1, end === -1 ? text.length : end);
      i = end === -1 ? text.length : end;
      continue;
    }
    if (c === '"') {
      let quoted = '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && '"\\$`\n'.includes(text[i + 1] ?? '')) i++;
        if (text[i] !== '\n' || text[i - 1] !== '\\') quoted += text[i];
      }
      word = (word ?? '') + quoted;
      continue;
    }
    if (c === '#' && word === null) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      flush();
      tokens.push({ op });
      i += op.length - 1;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      flush();
      continue;
    }
    word = (word ?? '') + c;
  }
  flush();
  return tokens;
}

/** The simple commands in shell text, each as its words: `a -x && b | c` → [['a', '-x'], ['b'], ['c']]. */
export function shellCommands(text: string): string[][] {
  const commands: string[][] = [[]];
  for (const token of shellTokens(text)) {
    if ('op' in token) commands.push([]);
    else commands.at(-1)!.push(token.word);
  }
  return commands.filter((c) => c.length > 0);
}
