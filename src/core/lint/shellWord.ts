/**
 * Expands one Dockerfile word the way BuildKit's shell lexer does for FROM, ARG defaults and the other
 * instructions it expands itself: quotes removed (nothing expands inside '…'), the escape character
 * honoured, `$NAME`, `${NAME}` and the modifiers `-` `:-` `+` `:+` `?` `:?` (an empty value counts as
 * unset only with the colon). It also reports which names were looked up and found or not, as BuildKit's
 * ProcessWordWithMatches does. Pattern modifiers (`#`, `%`, `/`) return undefined: not modelled.
 */
export interface WordResult {
  result: string;
  matched: Set<string>;
  unmatched: Set<string>;
}

export type Env = ReadonlyMap<string, string>;

class Unsupported extends Error {}

export function processWord(word: string, env: Env, escape = '\\'): WordResult | undefined {
  const lexer = new WordLexer(word, env, escape);
  try {
    const result = lexer.until(undefined);
    return { result, matched: lexer.matched, unmatched: lexer.unmatched };
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

class WordLexer {
  private at = 0;
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();

  constructor(
    private readonly s: string,
    private readonly env: Env,
    private readonly escape: string,
  ) {}

  /** Reads up to `stop` (consumed) or the end; a missing `stop` is a syntax error. */
  until(stop: string | undefined): string {
    let out = '';
    while (this.at < this.s.length) {
      const c = this.s[this.at];
      if (stop !== undefined && c === stop) {
        this.at++;
        return out;
      }
      if (c === '$') out += this.dollar();
      else if (c === "'") out += this.single();
      else if (c === '"') out += this.double();
      else if (c === this.escape) {
        this.at += 2;
        out += this.s[this.at - 1] ?? '';
      } else {
        out += c;
        this.at++;
      }
    }
    if (stop !== undefined) throw new Unsupported(`missing ${stop}`);
    return out;
  }

  private single(): string {
    const close = this.s.indexOf("'", this.at + 1);
    if (close < 0) throw new Unsupported('unterminated quote');
    const out = this.s.slice(this.at + 1, close);
    this.at = close + 1;
    return out;
  }

  private double(): string {
    let out = '';
    this.at++;
    while (this.at < this.s.length) {
      const c = this.s[this.at];
      if (c === '"') {
        this.at++;
        return out;
      }
      if (c === '$') {
        out += this.dollar();
        continue;
      }
      this.at++;
      if (c === this.escape) {
        const next = this.s[this.at];
        if (next === undefined) continue;
        if (next === '"' || next === '$' || next === this.escape) {
          out += next;
          this.at++;
          continue;
        }
      }
      out += c;
    }
    throw new Unsupported('unterminated quote');
  }

  private lookup(name: string): string | undefined {
    const v = this.env.get(name);
    if (v === undefined) this.unmatched.add(name);
    else this.matched.add(name);
    return v;
  }

  private name(): string {
    const m = /^(?:[0-9]+|[A-Za-z_][A-Za-z0-9_]*)/.exec(this.s.slice(this.at));
    const name = m ? m[0] : '';
    this.at += name.length;
    return name;
  }

  private dollar(): string {
    this.at++;
    if (this.s[this.at] !== '{') {
      const name = this.name();
      return name ? (this.lookup(name) ?? '') : '$';
    }
    this.at++;
    const name = this.name();
    if (!name) throw new Unsupported('bad substitution');
    let op = this.s[this.at++];
    if (op === '}') return this.lookup(name) ?? '';
    const colon = op === ':';
    if (colon) op = this.s[this.at++];
    if (op !== '-' && op !== '+' && op !== '?') throw new Unsupported(`modifier ${op}`);
    const alt = this.until('}');
    const value = this.lookup(name);
    const set = value !== undefined && !(colon && value === '');
    if (op === '-') return set ? value : alt;
    if (op === '+') return set ? alt : '';
    if (!set) throw new Unsupported(`${name} is required`);
    return value;
  }
}
