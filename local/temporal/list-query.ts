import { invalidArgument } from './errors';
import { IVT, typeName } from './search-attribute-types';

/**
 * The part of Temporal's list filter language this service evaluates, with the checks and
 * messages of temporalio/temporal common/persistence/visibility/store/query/converter.go:
 * comparisons (= != < > <= >=), [NOT] IN, [NOT] BETWEEN, IS [NOT] NULL, [NOT] STARTS_WITH,
 * joined by AND / OR / NOT and parentheses; ORDER BY is ignored. A column must be a known
 * search attribute and values must fit its type.
 */
export type Value = string | number | boolean;
export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'cmp'; column: string; type: number; op: string; values: Value[] };

/** Resolves a column name to its type; undefined when it is no search attribute. */
export type ColumnTypes = (name: string) => number | undefined;

const fail = (message: string) => invalidArgument(`invalid query: ${message}`);
const TOKEN = /\s*(?:(`[^`]*`)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(<=|>=|!=|<>|=|<|>|\(|\)|,)|([A-Za-z_][A-Za-z0-9_.]*))/y;

interface Token { text: string; kind: 'ident' | 'string' | 'number' | 'op'; pos: number }

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) {
      // A character the language does not have: the parser reports the clause it is in.
      const at = pos + (text.slice(pos).length - text.slice(pos).trimStart().length);
      tokens.push({ text: text[at], kind: 'op', pos: at });
      pos = at + 1;
      continue;
    }
    const start = m.index + m[0].length - m[0].trimStart().length;
    if (m[1]) tokens.push({ text: m[1].slice(1, -1), kind: 'ident', pos: start });
    else if (m[2]) tokens.push({ text: m[2].slice(1, -1).replace(/\\(.)/g, '$1'), kind: 'string', pos: start });
    else if (m[3]) tokens.push({ text: m[3], kind: 'number', pos: start });
    else if (m[4]) tokens.push({ text: m[4], kind: 'op', pos: start });
    else tokens.push({ text: m[5], kind: 'ident', pos: start });
    pos = TOKEN.lastIndex;
  }
  return tokens;
}

const OPERATORS: Record<number, string[]> = {
  [IVT.INDEXED_VALUE_TYPE_KEYWORD]: ['=', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'starts_with', 'not starts_with'],
  [IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST]: ['=', '!=', 'in', 'not in'],
  [IVT.INDEXED_VALUE_TYPE_TEXT]: ['=', '!='],
};
const DEFAULT_OPERATORS = ['=', '!=', '<', '>', '<=', '>=', 'in', 'not in'];
const RANGE_TYPES = new Set<number>([IVT.INDEXED_VALUE_TYPE_INT, IVT.INDEXED_VALUE_TYPE_DOUBLE, IVT.INDEXED_VALUE_TYPE_DATETIME, IVT.INDEXED_VALUE_TYPE_KEYWORD]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** converter.go validateValueType: the value must fit the column's type; datetimes become epoch ms. */
function typedValue(column: string, type: number, token: Token): Value {
  const value: Value = token.kind === 'string' ? token.text : token.kind === 'number' ? Number(token.text) : token.text.toLowerCase() === 'true';
  const goType = typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) && !/[.eE]/.test(token.text) ? 'int64' : 'float64';
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const wrongType = fail(`invalid expression: invalid value type for search attribute ${column} of type ${typeName(type)}: ${shown} (type: ${goType})`);
  switch (type) {
    case IVT.INDEXED_VALUE_TYPE_INT:
    case IVT.INDEXED_VALUE_TYPE_DOUBLE:
      if (typeof value !== 'number') throw wrongType;
      return value;
    case IVT.INDEXED_VALUE_TYPE_BOOL:
      if (typeof value !== 'boolean') throw wrongType;
      return value;
    case IVT.INDEXED_VALUE_TYPE_DATETIME:
      if (goType === 'int64') return Math.floor(Number(value) / 1e6);
      if (typeof value !== 'string') throw wrongType;
      if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) throw fail(`invalid expression: unable to parse datetime '${value}'`);
      return Date.parse(value);
    default:
      if (typeof value !== 'string') throw wrongType;
      return value;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[], private readonly text: string, private readonly types: ColumnTypes, private readonly checkValue: (column: string, values: Value[]) => void) {}

  parse(): Expr | undefined {
    const orderBy = this.tokens.findIndex((t, k) => t.kind === 'ident' && t.text.toLowerCase() === 'order' && this.tokens[k + 1]?.text.toLowerCase() === 'by');
    const end = orderBy >= 0 ? orderBy : this.tokens.length;
    if (end === 0) return undefined;
    const expr = this.or(end);
    if (this.i < end) throw this.syntax(this.tokens[this.i]);
    return expr;
  }

  private peek(word: string): boolean {
    const t = this.tokens[this.i];
    return t !== undefined && t.text.toLowerCase() === word && (t.kind === 'ident' || t.kind === 'op');
  }

  private syntax(t: Token | undefined): Error {
    return fail(`malformed SQL query: syntax error at position ${(t?.pos ?? this.text.length) + 1} near '${t?.text ?? ''}'`);
  }

  private or(end: number): Expr {
    let left = this.and(end);
    while (this.i < end && this.peek('or')) { this.i++; left = { kind: 'or', left, right: this.and(end) }; }
    return left;
  }

  private and(end: number): Expr {
    let left = this.factor(end);
    while (this.i < end && this.peek('and')) { this.i++; left = { kind: 'and', left, right: this.factor(end) }; }
    return left;
  }

  private factor(end: number): Expr {
    if (this.peek('not')) { this.i++; return { kind: 'not', expr: this.factor(end) }; }
    if (this.peek('(')) {
      this.i++;
      const inner = this.or(end);
      if (!this.peek(')')) throw this.syntax(this.tokens[this.i]);
      this.i++;
      return inner;
    }
    return this.comparison(end);
  }

  private comparison(end: number): Expr {
    const start = this.tokens[this.i];
    if (!start || start.kind !== 'ident') throw this.syntax(start);
    this.i++;
    const clauseError = () => {
      const stop = this.tokens.slice(this.i).find((t) => t.kind === 'ident' && ['and', 'or'].includes(t.text.toLowerCase()));
      return fail(`malformed SQL query: cannot parse clause "${this.text.slice(start.pos, stop?.pos ?? this.text.length).trim()}"`);
    };
    const column = start.text;
    let op = this.tokens[this.i]?.text.toLowerCase();
    if (op === undefined) throw clauseError();
    if (op === '<>') op = '!=';
    const negated = op === 'not';
    if (negated) { this.i++; op = `not ${this.tokens[this.i]?.text.toLowerCase()}`; }
    if (op === 'is') {
      this.i++;
      const not = this.peek('not');
      if (not) this.i++;
      if (!this.peek('null')) throw fail("invalid expression: 'IS' operator can only be used as 'IS NULL' or 'IS NOT NULL'");
      this.i++;
      return { kind: 'cmp', column, type: this.typeOf(column), op: not ? 'is not null' : 'is null', values: [] };
    }
    const known = ['=', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'between', 'not between', 'starts_with', 'not starts_with'];
    if (!known.includes(op)) throw clauseError();
    this.i++;
    const type = this.typeOf(column);
    const value = () => {
      const t = this.tokens[this.i++];
      if (!t || t.kind === 'op') throw clauseError();
      if (t.kind === 'ident' && !['true', 'false'].includes(t.text.toLowerCase())) {
        throw fail(`operation is not supported: column name on the right side of comparison expression (did you forget to quote "${t.text}"?)`);
      }
      return typedValue(column, type, t);
    };
    let values: Value[];
    if (op === 'in' || op === 'not in') {
      if (!this.peek('(')) throw clauseError();
      this.i++;
      values = [value()];
      while (this.peek(',')) { this.i++; values.push(value()); }
      if (!this.peek(')')) throw clauseError();
      this.i++;
    } else if (op.endsWith('between')) {
      if (!RANGE_TYPES.has(type)) throw fail(`invalid expression: cannot do range condition on search attribute '${column}' of type ${typeName(type)}`);
      const from = value();
      if (!this.peek('and')) throw clauseError();
      this.i++;
      values = [from, value()];
      this.checkValue(column, values);
      return { kind: 'cmp', column, type, op, values };
    } else {
      values = [value()];
    }
    if (!(OPERATORS[type] ?? DEFAULT_OPERATORS).includes(op)) {
      throw fail(`operation is not supported: operator '${op.toUpperCase()}' not supported for ${typeName(type)} type search attribute '${column}'`);
    }
    this.checkValue(column, values);
    return { kind: 'cmp', column, type, op, values };
  }

  private typeOf(column: string): number {
    const type = this.types(column);
    if (type === undefined) throw fail(`invalid expression: column name '${column}' is not a valid search attribute`);
    return type;
  }
}

export function parseQuery(text: string, types: ColumnTypes, checkValue: (column: string, values: Value[]) => void = () => undefined): Expr | undefined {
  return new Parser(tokenize(text), text, types, checkValue).parse();
}

/** SQL semantics: a missing value matches only IS NULL. Text `=` matches when every word of the value is in the text. */
function compare(op: string, type: number, actual: unknown, values: Value[]): boolean {
  if (op === 'is null') return actual === undefined;
  if (op === 'is not null') return actual !== undefined;
  if (actual === undefined) return false;
  if (type === IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST) {
    const list = Array.isArray(actual) ? actual : [actual];
    const any = values.some((v) => list.includes(v));
    return op === '=' || op === 'in' ? any : !any;
  }
  if (type === IVT.INDEXED_VALUE_TYPE_TEXT) {
    const words = (s: unknown) => String(s).toLowerCase().split(/\W+/).filter(Boolean);
    const have = new Set(words(actual));
    const hit = words(values[0]).every((w) => have.has(w));
    return op === '=' ? hit : !hit;
  }
  const a = actual as Value;
  switch (op) {
    case '=': return a === values[0];
    case '!=': return a !== values[0];
    case '<': return a < values[0];
    case '>': return a > values[0];
    case '<=': return a <= values[0];
    case '>=': return a >= values[0];
    case 'in': return values.includes(a);
    case 'not in': return !values.includes(a);
    case 'between': return a >= values[0] && a <= values[1];
    case 'not between': return !(a >= values[0] && a <= values[1]);
    case 'starts_with': return String(a).startsWith(String(values[0]));
    case 'not starts_with': return !String(a).startsWith(String(values[0]));
    default: return false;
  }
}

/** Evaluates a parsed filter against one row: `valueOf` gives a column's typed value (undefined when unset). */
export function evaluate(expr: Expr | undefined, valueOf: (column: string, type: number) => unknown): boolean {
  if (!expr) return true;
  switch (expr.kind) {
    case 'and': return evaluate(expr.left, valueOf) && evaluate(expr.right, valueOf);
    case 'or': return evaluate(expr.left, valueOf) || evaluate(expr.right, valueOf);
    case 'not': return !evaluate(expr.expr, valueOf);
    default: return compare(expr.op, expr.type, valueOf(expr.column, expr.type), expr.values);
  }
}
