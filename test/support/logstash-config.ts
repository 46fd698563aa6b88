/**
 * A parser for the Logstash pipeline configuration language, enough to check a pipeline's
 * structure in a test where Logstash itself cannot be installed. It follows the grammar of
 * https://www.elastic.co/guide/en/logstash/current/configuration-file-structure.html:
 * sections (`input`, `filter`, `output`) hold plugins (`name { setting => value ... }`) and
 * conditionals (`if <expr> { } else if <expr> { } else { }`); values are strings, numbers,
 * barewords, arrays and hashes; `#` starts a comment. Conditions are kept as their token text
 * (`[stream] == "trade"`). Anything else is a syntax error with its line.
 */
export type LsValue = string | number | LsValue[] | { [key: string]: LsValue };
export interface LsPlugin {
  readonly kind: 'plugin';
  readonly name: string;
  readonly settings: Readonly<Record<string, LsValue>>;
  readonly line: number;
}
export interface LsBranch {
  /** Undefined for the final `else`. */
  readonly condition: string | undefined;
  readonly body: readonly LsNode[];
}
export interface LsConditional {
  readonly kind: 'if';
  readonly branches: readonly LsBranch[];
}
export type LsNode = LsPlugin | LsConditional;
export type LsPipeline = Record<'input' | 'filter' | 'output', LsNode[]>;

interface Token {
  readonly t: 'str' | 'word' | 'punct';
  readonly v: string;
  readonly line: number;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const start = line;
      let v = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) {
          v += src[i + 1];
          i += 2;
          continue;
        }
        if (src[i] === '\n') line++;
        v += src[i++];
      }
      if (i >= src.length) throw new Error(`line ${start}: unterminated string`);
      i++;
      out.push({ t: 'str', v, line: start });
    } else if (src.startsWith('=>', i) || src.startsWith('==', i) || src.startsWith('!=', i) || src.startsWith('=~', i) || src.startsWith('!~', i) || src.startsWith('<=', i) || src.startsWith('>=', i)) {
      out.push({ t: 'punct', v: src.slice(i, i + 2), line });
      i += 2;
    } else if ('{}[],!<>()'.includes(c)) {
      out.push({ t: 'punct', v: c, line });
      i++;
    } else {
      const m = /^[A-Za-z0-9_.@%+:\-/$]+/.exec(src.slice(i));
      if (!m) throw new Error(`line ${line}: unexpected character ${JSON.stringify(c)}`);
      out.push({ t: 'word', v: m[0], line });
      i += m[0].length;
    }
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  pipeline(): LsPipeline {
    const p: LsPipeline = { input: [], filter: [], output: [] };
    while (!this.done()) {
      const name = this.next();
      if (name.t !== 'word' || !(name.v === 'input' || name.v === 'filter' || name.v === 'output')) throw this.error(name, 'expected input, filter or output');
      p[name.v].push(...this.block());
    }
    return p;
  }

  private block(): LsNode[] {
    this.expect('{');
    const nodes: LsNode[] = [];
    while (!this.peekIs('}')) nodes.push(this.node());
    this.expect('}');
    return nodes;
  }

  private node(): LsNode {
    const tok = this.next();
    if (tok.t === 'word' && tok.v === 'if') {
      const branches: LsBranch[] = [{ condition: this.condition(), body: this.block() }];
      while (this.peekWord('else')) {
        this.next();
        if (this.peekWord('if')) {
          this.next();
          branches.push({ condition: this.condition(), body: this.block() });
        } else {
          branches.push({ condition: undefined, body: this.block() });
          break;
        }
      }
      return { kind: 'if', branches };
    }
    if (tok.t !== 'word') throw this.error(tok, 'expected a plugin name or if');
    this.expect('{');
    const settings: Record<string, LsValue> = {};
    while (!this.peekIs('}')) {
      const key = this.next();
      if (key.t === 'punct') throw this.error(key, 'expected a setting name');
      this.expect('=>');
      settings[key.v] = this.value();
    }
    this.expect('}');
    return { kind: 'plugin', name: tok.v, settings, line: tok.line };
  }

  /** The condition's tokens up to the `{` of its block, strings re-quoted. */
  private condition(): string {
    const parts: string[] = [];
    while (!this.peekIs('{')) {
      const tok = this.next();
      parts.push(tok.t === 'str' ? JSON.stringify(tok.v) : tok.v);
    }
    if (parts.length === 0) throw this.error(this.toks[this.i], 'empty condition');
    return parts.join(' ').replace(/\[ /g, '[').replace(/ \]/g, ']').replace(/\] \[/g, '][').replace(/ ,/g, ',').replace(/! /g, '!');
  }

  private value(): LsValue {
    const tok = this.next();
    if (tok.t === 'str') return tok.v;
    if (tok.t === 'word') return /^-?\d+(\.\d+)?$/.test(tok.v) ? Number(tok.v) : tok.v;
    if (tok.v === '[') {
      const items: LsValue[] = [];
      while (!this.peekIs(']')) {
        items.push(this.value());
        if (this.peekIs(',')) this.next();
      }
      this.expect(']');
      return items;
    }
    if (tok.v === '{') {
      const hash: Record<string, LsValue> = {};
      while (!this.peekIs('}')) {
        const key = this.next();
        if (key.t === 'punct') throw this.error(key, 'expected a hash key');
        this.expect('=>');
        hash[key.v] = this.value();
        if (this.peekIs(',')) this.next();
      }
      this.expect('}');
      return hash;
    }
    throw this.error(tok, 'expected a value');
  }

  private done(): boolean {
    return this.i >= this.toks.length;
  }
  private next(): Token {
    const tok = this.toks[this.i++];
    if (!tok) throw new Error('unexpected end of configuration');
    return tok;
  }
  private peekIs(v: string): boolean {
    const tok = this.toks[this.i];
    if (!tok) throw new Error(`unexpected end of configuration (expected ${v})`);
    return tok.t === 'punct' && tok.v === v;
  }
  private peekWord(v: string): boolean {
    const tok = this.toks[this.i];
    return tok !== undefined && tok.t === 'word' && tok.v === v;
  }
  private expect(v: string): void {
    const tok = this.next();
    if (tok.t !== 'punct' || tok.v !== v) throw this.error(tok, `expected ${v}`);
  }
  private error(tok: Token | undefined, what: string): Error {
    return new Error(tok ? `line ${tok.line}: ${what}, got ${JSON.stringify(tok.v)}` : `${what} at end`);
  }
}

export function parseLogstashConfig(src: string): LsPipeline {
  return new Parser(tokenize(src)).pipeline();
}

/** Every plugin in `nodes`, with the conditions of the branches that lead to it. */
export function pluginsOf(nodes: readonly LsNode[], path: readonly (string | undefined)[] = []): { plugin: LsPlugin; conditions: (string | undefined)[] }[] {
  const out: { plugin: LsPlugin; conditions: (string | undefined)[] }[] = [];
  for (const n of nodes) {
    if (n.kind === 'plugin') out.push({ plugin: n, conditions: [...path] });
    else for (const b of n.branches) out.push(...pluginsOf(b.body, [...path, b.condition]));
  }
  return out;
}
