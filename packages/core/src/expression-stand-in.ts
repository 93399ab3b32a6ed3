/**
 * TEMPORARY stand-in for `@openworkflow/expressions`, which is being written on another branch.
 * It implements only the subset of the real API the engine's tests need (paths, literals,
 * comparison, logic, arithmetic, a few filters, single-pass rendering with native types) under
 * the same names, so `templating.ts` switches to the real engine by changing one import.
 * DELETE this file when `packages/expressions` lands on main.
 */

export class ExpressionError extends Error {
  readonly code = 'VALIDATION';
  readonly start: number;
  readonly end: number;
  constructor(message: string, start = 0, end = 0) {
    super(message);
    this.name = 'ExpressionError';
    this.start = start;
    this.end = end;
  }
}

export interface Reference {
  readonly root: string;
  readonly path: readonly (string | number)[];
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

type Scope = Readonly<Record<string, unknown>>;
type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'path'; root: string; path: (string | number | Node)[] }
  | { t: 'un'; op: string; a: Node }
  | { t: 'bin'; op: string; a: Node; b: Node }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'arr'; items: Node[] };

const TEMPLATE_STRING = Symbol.for('openworkflow.template.string');
const BLOCKED = new Set(['__proto__', 'constructor', 'prototype']);
const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[-+*/%<>!|().,[\]]))/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(src);
    if (m === null) throw new ExpressionError(`Unexpected character in '${src}'`, TOKEN.lastIndex);
    out.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string);
  }
  return out;
}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  length: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : 0),
  default: (v, d) => (v === undefined || v === null ? d : v),
  upper: (v) => String(v).toUpperCase(),
  lower: (v) => String(v).toLowerCase(),
  json: (v) => JSON.stringify(v),
  contains: (v, x) => (Array.isArray(v) || typeof v === 'string' ? v.includes(x as never) : false),
  string: (v) => String(v),
};

function parse(src: string): Node {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const take = (want?: string) => {
    const t = toks[i++];
    if (t === undefined || (want !== undefined && t !== want))
      throw new ExpressionError(`Expected ${want ?? 'token'} in '${src}'`);
    return t;
  };
  const bin = (next: () => Node, ops: Record<string, string>) => () => {
    let a = next();
    while (peek() !== undefined && ops[peek() as string] !== undefined) {
      const op = ops[take()] as string;
      a = { t: 'bin', op, a, b: next() };
    }
    return a;
  };
  const primary = (): Node => {
    const t = take();
    if (t === '(') {
      const e = or();
      take(')');
      return e;
    }
    if (t === '[') {
      const items: Node[] = [];
      while (peek() !== ']') {
        items.push(or());
        if (peek() === ',') take();
      }
      take(']');
      return { t: 'arr', items };
    }
    if (/^\d/.test(t)) return { t: 'lit', v: Number(t) };
    if (t[0] === "'" || t[0] === '"') return { t: 'lit', v: t.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (t === 'true' || t === 'false') return { t: 'lit', v: t === 'true' };
    if (t === 'null' || t === 'none') return { t: 'lit', v: null };
    if (!/^[A-Za-z_]/.test(t)) throw new ExpressionError(`Unexpected '${t}' in '${src}'`);
    if (peek() === '(') {
      take('(');
      const args: Node[] = [];
      while (peek() !== ')') {
        args.push(or());
        if (peek() === ',') take();
      }
      take(')');
      if (FUNCTIONS[t] === undefined) throw new ExpressionError(`Unknown function '${t}'`);
      return { t: 'call', name: t, args };
    }
    const path: (string | number | Node)[] = [];
    for (;;) {
      if (peek() === '.') {
        take();
        path.push(take());
      } else if (peek() === '[') {
        take();
        const e = or();
        take(']');
        path.push(e.t === 'lit' && (typeof e.v === 'string' || typeof e.v === 'number') ? e.v : e);
      } else break;
    }
    return { t: 'path', root: t, path };
  };
  const filter = (): Node => {
    let a = primary();
    while (peek() === '|') {
      take();
      const name = take();
      const args: Node[] = [a];
      if (peek() === '(') {
        take();
        while (peek() !== ')') {
          args.push(or());
          if (peek() === ',') take();
        }
        take(')');
      }
      if (FUNCTIONS[name] === undefined) throw new ExpressionError(`Unknown filter '${name}'`);
      a = { t: 'call', name, args };
    }
    return a;
  };
  const unary = (): Node => {
    const t = peek();
    if (t === '!' || t === 'not' || t === '-') {
      take();
      return { t: 'un', op: t === '-' ? '-' : '!', a: unary() };
    }
    return filter();
  };
  const mul = bin(unary, { '*': '*', '/': '/', '%': '%' });
  const add = bin(mul, { '+': '+', '-': '-' });
  const cmp = bin(add, { '==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' });
  const and = bin(cmp, { '&&': 'and', and: 'and' });
  const or = bin(and, { '||': 'or', or: 'or' });
  const node = or();
  if (i !== toks.length) throw new ExpressionError(`Unexpected '${toks[i]}' in '${src}'`);
  return node;
}

export function isTruthy(v: unknown): boolean {
  if (v === 'false' || v === '0' || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function get(obj: unknown, key: string | number): unknown {
  if (obj === null || obj === undefined || BLOCKED.has(String(key))) return undefined;
  if (typeof obj !== 'object' && typeof obj !== 'string') return undefined;
  return Object.hasOwn(obj as object, key) ? (obj as Record<string | number, unknown>)[key] : undefined;
}

function evalNode(n: Node, s: Scope): unknown {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'arr':
      return n.items.map((x) => evalNode(x, s));
    case 'path': {
      let v: unknown = Object.hasOwn(s, n.root) ? s[n.root] : undefined;
      for (const p of n.path) v = get(v, typeof p === 'object' ? (evalNode(p, s) as string) : p);
      return v;
    }
    case 'un': {
      const v = evalNode(n.a, s);
      return n.op === '-' ? -(v as number) : !isTruthy(v);
    }
    case 'call':
      return (FUNCTIONS[n.name] as (...a: unknown[]) => unknown)(...n.args.map((x) => evalNode(x, s)));
    case 'bin': {
      const a = evalNode(n.a, s);
      if (n.op === 'and') return isTruthy(a) ? evalNode(n.b, s) : a;
      if (n.op === 'or') return isTruthy(a) ? a : evalNode(n.b, s);
      const b = evalNode(n.b, s);
      switch (n.op) {
        case '==':
          return deepEqual(a, b);
        case '!=':
          return !deepEqual(a, b);
        case '<':
          return (a as number) < (b as number);
        case '<=':
          return (a as number) <= (b as number);
        case '>':
          return (a as number) > (b as number);
        case '>=':
          return (a as number) >= (b as number);
        case '+':
          return typeof a === 'string' || typeof b === 'string'
            ? `${toText(a)}${toText(b)}`
            : (a as number) + (b as number);
        case '-':
          return (a as number) - (b as number);
        case '*':
          return (a as number) * (b as number);
        case '/':
          return (a as number) / (b as number);
        default:
          return (a as number) % (b as number);
      }
    }
  }
}

function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const own = (v as Record<symbol, unknown>)[TEMPLATE_STRING];
    return typeof own === 'string' ? own : JSON.stringify(v);
  }
  return String(v);
}

const CACHE = new Map<string, Node>();
function compiled(src: string): Node {
  let node = CACHE.get(src);
  if (node === undefined) {
    node = parse(src);
    CACHE.set(src, node);
  }
  return node;
}

export function evaluate(expr: string, scope: Scope): unknown {
  return evalNode(compiled(expr), scope);
}

const SINGLE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;
const ANY = /\{\{([\s\S]*?)\}\}/g;

function renderString(src: string, scope: Scope): unknown {
  const single = SINGLE.exec(src);
  if (single !== null && !single[1]!.includes('}}')) {
    const v = evaluate(single[1]!, scope);
    return v === undefined ? null : v;
  }
  if (!src.includes('{{')) return src;
  return src.replace(ANY, (_m, e: string) => toText(evaluate(e, scope)));
}

export function render(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return renderString(value, scope);
  if (Array.isArray(value)) return value.map((v) => render(v, scope));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = render(v, scope);
    return out;
  }
  return value;
}

export function evaluateCondition(cond: string, scope: Scope): boolean {
  const single = SINGLE.exec(cond);
  return isTruthy(single === null ? evaluate(cond, scope) : evaluate(single[1]!, scope));
}

function collect(node: Node, out: Reference[]): void {
  switch (node.t) {
    case 'path':
      out.push({
        root: node.root,
        path: node.path.filter((p): p is string | number => typeof p !== 'object'),
        text: node.root,
        start: 0,
        end: 0,
      });
      for (const p of node.path) if (typeof p === 'object') collect(p, out);
      return;
    case 'un':
      collect(node.a, out);
      return;
    case 'bin':
      collect(node.a, out);
      collect(node.b, out);
      return;
    case 'call':
      for (const a of node.args) collect(a, out);
      return;
    case 'arr':
      for (const a of node.items) collect(a, out);
      return;
    default:
      return;
  }
}

export function templateReferences(value: unknown): Reference[] {
  const out: Reference[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(ANY)) collect(compiled(m[1]!), out);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return out;
}
