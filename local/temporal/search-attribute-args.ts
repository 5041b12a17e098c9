import { parseTypeName } from './search-attribute-types';

/**
 * The launcher convention of Temporal's dev server (`temporal server start-dev --search-attribute
 * Name=Type`, temporalio/cli internal/temporalcli/commands.server.go prepareSearchAttributes),
 * which the SDK's TestWorkflowEnvironment passes for `server.searchAttributes`: types are the
 * shorthand names, matched case-insensitively (Text, Keyword, Int, Double, Bool, Datetime,
 * KeywordList). Takes `--search-attribute K=T` and `--search-attribute=K=T` out of `argv`;
 * returns the types by name and the other arguments in their order. Throws on a malformed pair
 * with the CLI's messages.
 */
export function searchAttributesFromArgs(argv: readonly string[]): { searchAttributes: Record<string, number>; rest: string[] } {
  const searchAttributes: Record<string, number> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let pair: string | undefined;
    if (arg === '--search-attribute') {
      pair = argv[++i];
      if (pair === undefined) throw new Error('invalid search attributes: --search-attribute needs a value');
    } else if (arg.startsWith('--search-attribute=')) {
      pair = arg.slice('--search-attribute='.length);
    } else {
      rest.push(arg);
      continue;
    }
    const eq = pair.indexOf('=');
    if (eq < 0) throw new Error(`invalid search attributes: missing expected '=' in "${pair}"`);
    const name = pair.slice(0, eq);
    const typeText = pair.slice(eq + 1);
    const type = parseShorthand(typeText);
    if (type === undefined) throw new Error(`invalid search attribute value type "${typeText}"`);
    searchAttributes[name] = type;
  }
  return { searchAttributes, rest };
}

/** Only the shorthand names (case-insensitive), as the CLI accepts them. */
function parseShorthand(text: string): number | undefined {
  if (/^\d+$/.test(text) || /_/.test(text) || /^INDEXED_VALUE_TYPE/i.test(text)) return undefined;
  return parseTypeName(text);
}
