/**
 * One word for a POSIX shell, whatever it contains: Sandy's exec takes a command line, so every value the
 * runner puts into one (an image reference from configuration) goes through here.
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line from words, each quoted. */
export function shellCommand(...words: string[]): string {
  return words.map(shellQuote).join(' ');
}
