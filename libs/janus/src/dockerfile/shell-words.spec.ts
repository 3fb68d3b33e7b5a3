import { shellCommands, shellTokens } from './shell-words';

describe('shell words', () => {
  it('removes quotes the way the shell does, keeping quoted spaces in one word', () => {
    expect(shellTokens(`a 'b c' "d \\"e\\" $f" g\\ h i"j"'k'`)).toEqual([
      { word: 'a' },
      { word: 'b c' },
      { word: 'd "e" $f' },
      { word: 'g h' },
      { word: 'ijk' },
    ]);
  });

  it('splits commands on control operators and line breaks, joins continued lines and drops comments', () => {
    const script = 'apt-get update && \\\n  apt-get -o "A=B" install -y x; echo ok || true # note && more\nfoo | bar &\n';
    expect(shellCommands(script)).toEqual([['apt-get', 'update'], ['apt-get', '-o', 'A=B', 'install', '-y', 'x'], ['echo', 'ok'], ['true'], ['foo'], ['bar']]);
  });

  it('keeps a # inside a word, and an empty quoted word', () => {
    expect(shellCommands(`curl http://x/#frag '' a#b`)).toEqual([['curl', 'http://x/#frag', '', 'a#b']]);
  });
});
