// Secret detection: provider token formats (from each provider's published token shapes) plus
// generic high-entropy `key = value` assignments. Pure string code, linear in the input: every
// rule starts at a token edge (lookbehind) and has only bounded quantifiers, so a failed attempt
// costs at most its longest match.
import { KeywordPass, type KeywordStart, type PassKeyword } from './keyword-pass.ts';
import { addDisjoint } from './spans.ts';
import type { Severity, WindowMatch } from './types.ts';

export interface SecretRule {
  type: string;
  severity: Severity;
  /**
   * Literals (compared case-insensitively) of which every match holds one. `start`: every
   * match begins with one of them, so the pattern is only tried where one begins. `inside`: the
   * pattern runs over the text only when one of them occurs in it. `then`: the characters one of
   * which follows a `start` keyword in every match (what lets a two-character keyword be looked
   * up at odd positions; see PAIR_LISTS).
   */
  keywords: { start: readonly string[]; then?: string } | { inside: readonly string[] };
  /**
   * For an `inside` rule: where a match holding the keyword found at `at` may begin, in order;
   * the pattern is then tried there alone instead of over the whole text.
   */
  startsBefore?: (text: string, at: number) => number[];
  /** Global + hasIndices; the value is the named group `v` when present, else the whole match. */
  pattern: RegExp;
  /** Extra check on the value; `text` and `end` (of the whole match) give the surroundings. */
  validate?: (value: string, text: string, end: number) => boolean;
}

/** No rule matches more than this many characters (the scanner's window overlap relies on it). */
export const SECRET_MAX_LENGTH = 6100;

const L = String.raw`(?<![A-Za-z0-9_-])`;
const R = String.raw`(?![A-Za-z0-9_-])`;

/** A rule whose matches hold `keyword` past their start. */
function inside(type: string, severity: Severity, keyword: string, body: string): SecretRule {
  return { type, severity, keywords: { inside: [keyword] }, pattern: new RegExp(L + body + R, 'gd') };
}

/** A rule whose matches begin with one of `starts`. */
function rule(type: string, severity: Severity, starts: string | readonly string[], body: string, validate?: SecretRule['validate']): SecretRule {
  const pattern = new RegExp(L + body + R, 'gd');
  const keywords = { start: typeof starts === 'string' ? [starts] : starts };
  return validate ? { type, severity, keywords, pattern, validate } : { type, severity, keywords, pattern };
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  const freq = new Map<string, number>();
  for (const ch of s) freq.set(ch, (freq.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of freq.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const PLACEHOLDER =
  /x{3,}|\*{3,}|\.{3}|change[_-]?me|example|placeholder|dummy|redacted|sample|your[_-]?|insert|replace|^<.*>$|\$\{|\{\{|%\(|\$\(|^\$|^%\w+%$|^(?:null|none|nil|true|false|undefined|empty|secret|token|password|passwd|pass|test|todo|fixme|string)$/i;

/** Obvious non-secrets: template variables, documentation stand-ins, one repeated character. */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || /^(.)\1*$/s.test(value);
}

const highEntropy = (min: number) => (v: string) => shannonEntropy(v) >= min;

// Private keys: the armour line alone is often quoted in docs, so a key body must follow
// (also when written as a JSON string with "\n" escapes).
const PEM_BODY_WINDOW = 400;
const PEM_BODY_MIN = 64;
function pemBodyFollows(_value: string, text: string, end: number): boolean {
  const after = text.slice(end, end + PEM_BODY_WINDOW).replace(/\\[rn]|\s/g, '');
  let run = 0;
  for (let i = 0; i < after.length; i++) {
    const c = after.charCodeAt(i);
    const b64 = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61;
    run = b64 ? run + 1 : 0;
    if (run >= PEM_BODY_MIN) return true;
  }
  return false;
}

function base64UrlDecode(s: string): string | null {
  try {
    return atob(s.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(s.length / 4) * 4, '='));
  } catch {
    return null;
  }
}

function jwtValid(value: string): boolean {
  const header = base64UrlDecode(value.slice(0, value.indexOf('.')));
  if (header === null) return false;
  try {
    const parsed: unknown = JSON.parse(header);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

const PEM_KINDS: ReadonlyArray<readonly [label: string, type: string, severity: Severity]> = [
  ['RSA PRIVATE KEY', 'RSA_PRIVATE_KEY', 'critical'],
  ['EC PRIVATE KEY', 'EC_PRIVATE_KEY', 'critical'],
  ['DSA PRIVATE KEY', 'DSA_PRIVATE_KEY', 'critical'],
  ['OPENSSH PRIVATE KEY', 'OPENSSH_PRIVATE_KEY', 'critical'],
  ['PGP PRIVATE KEY BLOCK', 'PGP_PRIVATE_KEY', 'critical'],
  ['PRIVATE KEY', 'PRIVATE_KEY', 'critical'], // PKCS #8
  ['ENCRYPTED PRIVATE KEY', 'ENCRYPTED_PRIVATE_KEY', 'high'], // still needs its passphrase
];

const GITHUB_KINDS: ReadonlyArray<readonly [prefix: string, type: string, severity: Severity]> = [
  ['ghp', 'GITHUB_PAT', 'critical'],
  ['gho', 'GITHUB_OAUTH_TOKEN', 'high'],
  ['ghu', 'GITHUB_USER_TO_SERVER_TOKEN', 'high'],
  ['ghs', 'GITHUB_SERVER_TO_SERVER_TOKEN', 'high'],
  ['ghr', 'GITHUB_REFRESH_TOKEN', 'high'],
];

const DB_SCHEMES =
  'postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse|couchdbs?|neo4j(?:\\+s)?|nats|ldaps?|s?ftp|smtps?|jdbc:[a-z]+';

const isSchemeCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 58;

/**
 * Where a scheme ending at the "://" at `at` may begin: the run of scheme characters (letters,
 * digits, "+", ":") before it starts there, or right after one of its colons ("jdbc:mysql").
 * Runs before different "://" never overlap, so all of them cost one pass.
 */
function schemeStarts(text: string, at: number): number[] {
  let r = at;
  while (r > 0 && isSchemeCode(text.charCodeAt(r - 1))) r--;
  const out = [r];
  for (let i = r; i < at; i++) if (text.charCodeAt(i) === 58) out.push(i + 1);
  return out;
}

/** Provider rules, most specific first; see `GENERIC_SECRET` for the catch-all. */
export const SECRET_RULES: readonly SecretRule[] = [
  rule('AWS_ACCESS_KEY_ID', 'high', ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'], '(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}'),
  // A secret key is 40 base64 chars with no prefix of its own: only next to its usual names.
  {
    type: 'AWS_SECRET_ACCESS_KEY',
    severity: 'critical',
    keywords: { start: ['aws', 'secret'] },
    pattern:
      /(?<![A-Za-z0-9])(?:aws[A-Za-z0-9_.-]{0,20}secret[A-Za-z0-9_.-]{0,20}|secret[_.-]?access[_.-]?key)["']?\s{0,4}(?:=>|:=|[:=])\s{0,4}["']?(?<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi,
    validate: highEntropy(3.5),
  },
  ...GITHUB_KINDS.map(([prefix, type, severity]) => rule(type, severity, `${prefix}_`, `${prefix}_[A-Za-z0-9]{36}`)),
  rule('GITHUB_FINE_GRAINED_PAT', 'critical', 'github_pat_', 'github_pat_[A-Za-z0-9_]{82}'),
  rule('GITLAB_PAT', 'critical', 'glpat-', 'glpat-[A-Za-z0-9_-]{20,64}'),
  rule('GITLAB_RUNNER_TOKEN', 'high', 'glrt-', 'glrt-[A-Za-z0-9_-]{20,64}'),
  rule('GITLAB_DEPLOY_TOKEN', 'high', 'gldt-', 'gldt-[A-Za-z0-9_-]{20,64}'),
  rule('GITLAB_PIPELINE_TRIGGER_TOKEN', 'medium', 'glptt-', 'glptt-[0-9a-f]{40}'),
  rule('SLACK_BOT_TOKEN', 'critical', 'xoxb-', 'xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24,34}'),
  rule('SLACK_USER_TOKEN', 'critical', 'xox', 'xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{28,34}'),
  // Workspace app (xoxa), refresh (xoxr), legacy (xoxs, xoxo) tokens, and app-level tokens.
  rule('SLACK_TOKEN', 'high', 'xox', 'xox[aors]-[0-9]{1,13}(?:-[0-9A-Za-z]{1,100}){1,4}', (v) => v.length >= 30),
  rule('SLACK_APP_TOKEN', 'high', 'xapp-', 'xapp-[0-9]-[A-Z0-9]{9,11}-[0-9]{10,13}-[a-f0-9]{64}'),
  rule(
    'SLACK_WEBHOOK_URL',
    'high',
    'hooks.slack.com/',
    'hooks\\.slack\\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}|workflows/T[A-Z0-9]{8,12}/A[A-Z0-9]{8,12}/[0-9]{15,20}/[A-Za-z0-9]{32})',
  ),
  rule('STRIPE_LIVE_SECRET_KEY', 'critical', 'sk_live_', 'sk_live_[A-Za-z0-9]{24,247}'),
  rule('STRIPE_LIVE_RESTRICTED_KEY', 'high', 'rk_live_', 'rk_live_[A-Za-z0-9]{24,247}'),
  // Publishable keys ship in web pages by design; test-mode keys move no money.
  rule('STRIPE_LIVE_PUBLISHABLE_KEY', 'low', 'pk_live_', 'pk_live_[A-Za-z0-9]{24,247}'),
  rule('STRIPE_TEST_KEY', 'low', ['sk_test_', 'rk_test_'], '[sr]k_test_[A-Za-z0-9]{24,247}'),
  rule('STRIPE_WEBHOOK_SECRET', 'high', 'whsec_', 'whsec_[A-Za-z0-9]{32,64}'),
  rule('GOOGLE_API_KEY', 'high', 'AIza', 'AIza[0-9A-Za-z_-]{35}'),
  rule('GOOGLE_OAUTH_CLIENT_SECRET', 'high', 'GOCSPX-', 'GOCSPX-[A-Za-z0-9_-]{28}'),
  rule('GOOGLE_OAUTH_ACCESS_TOKEN', 'high', 'ya29.', 'ya29\\.[0-9A-Za-z_-]{20,1024}'),
  rule('ANTHROPIC_API_KEY', 'critical', 'sk-ant-', 'sk-ant-[a-z]{3,8}[0-9]{2}-[A-Za-z0-9_-]{32,200}'),
  rule(
    'OPENAI_API_KEY',
    'critical',
    'sk-',
    'sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}|[A-Za-z0-9]{32,64})',
    highEntropy(3.5),
  ),
  { type: 'TWILIO_API_KEY', severity: 'high', keywords: { start: ['SK'], then: '0123456789abcdefABCDEF' }, pattern: new RegExp(`${L}SK[0-9a-fA-F]{32}${R}`, 'gd') },
  { type: 'TWILIO_ACCOUNT_SID', severity: 'low', keywords: { start: ['AC'], then: '0123456789abcdef' }, pattern: new RegExp(`${L}AC[0-9a-f]{32}${R}`, 'gd') },
  rule('SENDGRID_API_KEY', 'critical', 'SG.', 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}'),
  rule('NPM_TOKEN', 'critical', 'npm_', 'npm_[A-Za-z0-9]{36}'),
  rule('PYPI_TOKEN', 'critical', 'pypi-AgEIcHlwaS5vcmc', 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}'),
  rule('AZURE_STORAGE_ACCOUNT_KEY', 'critical', 'AccountKey=', 'AccountKey=(?<v>[A-Za-z0-9+/]{86}==)'),
  rule('SHOPIFY_TOKEN', 'high', 'shp', 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}'),
  rule('DIGITALOCEAN_TOKEN', 'high', ['dop_v1_', 'doo_v1_', 'dor_v1_'], 'do[opr]_v1_[a-f0-9]{64}'),
  rule('HUGGINGFACE_TOKEN', 'high', 'hf_', 'hf_[A-Za-z]{34}'),
  rule('MAILGUN_API_KEY', 'high', 'key-', 'key-[0-9a-f]{32}'),
  inside('MAILCHIMP_API_KEY', 'high', '-us', '[0-9a-f]{32}-us[0-9]{1,2}'),
  rule('SQUARE_TOKEN', 'high', 'sq0', 'sq0(?:atp|csp)-[0-9A-Za-z_-]{22,43}'),
  rule('DISCORD_WEBHOOK_URL', 'high', 'discord', 'discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}'),
  inside('TELEGRAM_BOT_TOKEN', 'high', ':AA', '[0-9]{8,10}:AA[0-9A-Za-z_-]{33}'),
  rule('DOCKER_HUB_PAT', 'high', 'dckr_pat_', 'dckr_pat_[A-Za-z0-9_-]{27}'),
  rule('DATABRICKS_TOKEN', 'high', 'dapi', 'dapi[a-f0-9]{32}(?:-[0-9])?'),
  rule('HASHICORP_VAULT_TOKEN', 'high', ['hvs.', 'hvb.'], 'hv[sb]\\.[A-Za-z0-9_-]{24,200}'),
  rule('POSTMAN_API_KEY', 'high', 'PMAK-', 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}'),
  rule('LINEAR_API_KEY', 'high', 'lin_api_', 'lin_api_[A-Za-z0-9]{40}'),
  rule('NEW_RELIC_API_KEY', 'high', 'NRAK-', 'NRAK-[A-Z0-9]{27}'),
  rule('GROQ_API_KEY', 'high', 'gsk_', 'gsk_[A-Za-z0-9]{52}'),
  rule('AGE_SECRET_KEY', 'critical', 'AGE-SECRET-KEY-1', 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'),
  // Header, payload, signature (empty for alg "none"); the header must decode to JSON with "alg".
  rule('JWT', 'high', 'eyJ', 'eyJ[A-Za-z0-9_-]{1,1000}\\.[A-Za-z0-9_-]{2,4000}\\.[A-Za-z0-9_-]{0,1000}', jwtValid),
  ...PEM_KINDS.map(
    ([label, type, severity]): SecretRule => ({
      type,
      severity,
      keywords: { start: ['-----BEGIN '] },
      pattern: new RegExp(`-----BEGIN ${label}-----`, 'gd'),
      validate: pemBodyFollows,
    }),
  ),
  {
    // scheme://user:password@host: the value is the password alone.
    type: 'CONNECTION_STRING_PASSWORD',
    severity: 'high',
    keywords: { inside: ['://'] },
    pattern: new RegExp(`(?<![A-Za-z0-9+.-])(?:${DB_SCHEMES})://[^\\s:/@'"]{0,128}:(?<v>[^\\s:/@'"]{1,128})@[A-Za-z0-9[]`, 'dgi'),
    startsBefore: schemeStarts,
    validate: (v) => !isPlaceholder(v),
  },
];

// ---------------------------------------------------------------------------------------------
// Generic assignments: `api_key = "…"`, `"client_secret": "…"`, `DB_PASSWORD=…`. An unquoted
// value stops at "=" (but keeps base64 padding): `token=token=…` is not a value.

/** Last word of the name that makes an assignment a secret. */
const SECRET_WORDS = new Set(['token', 'secret', 'password', 'passwd', 'pwd', 'pass', 'passphrase', 'apikey', 'credential', 'credentials']);
/** "key" alone names too many things (sort keys, dict keys): only with one of these before it. */
const KEY_QUALIFIERS = new Set(['api', 'secret', 'private', 'access', 'auth', 'client', 'signing', 'encryption', 'master', 'app', 'service', 'account', 'license', 'subscription']);
/** Names that end in a secret word but hold none. */
const NOT_SECRET_QUALIFIERS = new Set(['public', 'csrf', 'xsrf', 'next', 'page', 'continuation', 'cancellation', 'sync', 'max', 'min', 'num', 'count', 'type']);

export const GENERIC_MIN_LENGTH = 8;
export const GENERIC_MIN_ENTROPY = 3;

// Groups: 1 name, then the value quoted "…" (2), '…' (3), `…` (4), or unquoted (5). Tried
// (sticky) only where a name ends just before an operator: see findGenericSecrets.
const ASSIGNMENT =
  /(?<![A-Za-z0-9_.$-])([A-Za-z_][A-Za-z0-9_.-]{0,62})["']?\s{0,4}(?:=>|:=|==?|:)\s{0,4}(?:"([^"\\\r\n]{1,256})"|'([^'\\\r\n]{1,256})'|`([^`\\\r\n$]{1,256})`|([^\s"'`,;(){}<>[\]=]{1,256}={0,2}))/y;
/** Every secret name holds one of these (SECRET_WORDS and "key"): the rest skip the word split. */
const SECRET_NAME_HINT = /token|secret|pass|pwd|key|credential/i;

function nameWords(name: string): string[] {
  return (name.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g) ?? []).map((w) => w.toLowerCase());
}

export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1] ?? '';
  const prev = words[words.length - 2] ?? '';
  if (NOT_SECRET_QUALIFIERS.has(prev)) return false;
  return SECRET_WORDS.has(last) || (last === 'key' && KEY_QUALIFIERS.has(prev));
}

function genericValueOk(value: string, quoted: boolean, next: string): boolean {
  if (value.length < GENERIC_MIN_LENGTH || isPlaceholder(value)) return false;
  if (/^[+-]?[0-9.]+$/.test(value)) return false;
  // Unquoted, a name is code (`password = getenv("X")`, `token: config.token`), not a literal.
  if (!quoted && (next === '(' || next === '[' || /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/.test(value))) return false;
  if (/^https?:\/\//i.test(value)) return false;
  return shannonEntropy(value) >= GENERIC_MIN_ENTROPY;
}

const isNameCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;
const isSpaceCode = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));

/**
 * Where an assignment whose operator begins at `op` must begin, or -1. The name is a whole run
 * of name characters (none of them is a quote, a space or an operator), so it ends just before
 * an optional quote and up to four spaces before the operator, and begins where its run does.
 */
function assignmentStart(text: string, op: number): number {
  let q = op;
  while (q > 0 && op - q < 5 && isSpaceCode(text.charCodeAt(q - 1))) q--;
  if (op - q > 4) return -1;
  const c = text.charCodeAt(q - 1);
  if (c === 34 || c === 39) q--;
  let p = q;
  while (p > 0 && q - p <= 63 && isNameCode(text.charCodeAt(p - 1))) p--;
  return p < q && q - p <= 63 ? p : -1;
}

/**
 * The assignments a scan of ASSIGNMENT over the whole text would match, at a fraction of its
 * cost: every match begins where `assignmentStart` says for its operator's first character, so
 * the pattern is tried only there (an operator at a time, in order). A match's value may hold
 * further "name = value" text; as in a scan, the next match begins after it.
 */
export function findGenericSecrets(text: string): WindowMatch[] {
  const out: WindowMatch[] = [];
  let from = 0;
  let eq = text.indexOf('=');
  let colon = text.indexOf(':');
  while (eq >= 0 || colon >= 0) {
    const op = colon < 0 || (eq >= 0 && eq < colon) ? eq : colon;
    if (op === eq) eq = text.indexOf('=', op + 1);
    else colon = text.indexOf(':', op + 1);
    const start = assignmentStart(text, op);
    if (start < from) continue;
    // `test` gives the match's end (where the next may begin) without building its groups; the
    // name (between `start` and the quote, spaces and operator before `op`) is rarely a secret's.
    ASSIGNMENT.lastIndex = start;
    if (!ASSIGNMENT.test(text)) continue;
    const end = ASSIGNMENT.lastIndex;
    from = end;
    if (eq >= 0 && eq < from) eq = text.indexOf('=', from);
    if (colon >= 0 && colon < from) colon = text.indexOf(':', from);
    if (!SECRET_NAME_HINT.test(text.slice(start, op))) continue;
    ASSIGNMENT.lastIndex = start;
    const m = ASSIGNMENT.exec(text);
    const name = m?.[1] ?? '';
    if (!m || !isSecretName(name)) continue;
    const quoted = m[5] === undefined;
    const value = m[2] ?? m[3] ?? m[4] ?? m[5] ?? '';
    const valueEnd = quoted ? end - 1 : end;
    if (!genericValueOk(value, quoted, text.charAt(valueEnd))) continue;
    out.push({ type: 'GENERIC_SECRET', category: 'secret', severity: 'medium', start: valueEnd - value.length, end: valueEnd });
  }
  return out;
}

// The keyword prefilter (as gitleaks and trufflehog gate their rules): one pass over the text's
// character pairs (keyword-pass.ts) finds where any rule's keyword begins; a `start` rule is then
// tried (sticky) only at its own keywords' positions, an `inside` rule at the starts its
// `startsBefore` gives for each of its keywords' positions, or else over the text only if one
// of its keywords occurred. Each match holds a keyword, so this finds exactly what running every
// pattern over the whole text finds. Keywords match with their rule's case sensitivity: most
// rules are case-sensitive, and "SK" or "AC" alone are rare where "sk" and "ac" are everywhere.
export interface Gated {
  rule: SecretRule;
  /** Its place in SECRET_RULES: matches are listed in that order, as each pattern's own pass did. */
  order: number;
  /** The pattern, sticky: tried at one position. Null for an `inside` rule run over the text. */
  sticky: RegExp | null;
}

/** A keyword and the rules it gates (`then`: the characters one of which follows their `start` keyword). */
export interface SecretKeyword extends PassKeyword {
  rules: Gated[];
}

const GATED: readonly Gated[] = SECRET_RULES.map((r, order) => ({
  rule: r,
  order,
  sticky: 'start' in r.keywords || r.startsBefore ? new RegExp(r.pattern.source, `${r.pattern.flags}y`) : null,
}));
const KEYWORD_LIST: SecretKeyword[] = [];
for (const g of GATED) {
  const folded = g.rule.pattern.flags.includes('i');
  const then = ('then' in g.rule.keywords && g.rule.keywords.then) || '';
  if (folded && then) throw new Error(`${g.rule.type}: \`then\` is for case-sensitive rules`);
  for (const k of 'start' in g.rule.keywords ? g.rule.keywords.start : g.rule.keywords.inside) {
    const text = folded ? k.toLowerCase() : k;
    const known = KEYWORD_LIST.find((w) => w.text === text && w.folded === folded && w.then === then);
    if (known) known.rules.push(g);
    else KEYWORD_LIST.push({ text, folded, then, rules: [g] });
  }
}
/** The rules' keywords, in the order their positions are tried (a pass over them may hold other keywords too). */
export const SECRET_KEYWORDS: readonly SecretKeyword[] = KEYWORD_LIST;
const SECRET_PASS = new KeywordPass(KEYWORD_LIST);

function pushMatch(out: Array<WindowMatch & { order: number }>, g: Gated, m: RegExpExecArray | RegExpMatchArray, text: string): void {
  const span = m.indices?.groups?.v ?? m.indices?.[0];
  if (!span) return;
  const r = g.rule;
  const value = text.slice(span[0], span[1]);
  if (r.validate && !r.validate(value, text, (m.index ?? 0) + m[0].length)) return;
  out.push({ type: r.type, category: 'secret', severity: r.severity, start: span[0], end: span[1], order: g.order });
}

function findRuleMatches(text: string, starts: readonly KeywordStart<SecretKeyword>[]): WindowMatch[] {
  const out: Array<WindowMatch & { order: number }> = [];
  /** Per sticky rule: where its last match ended (a pattern's matches never overlap). */
  const next = new Map<Gated, number>();
  const present = new Set<Gated>();
  for (const { at, keyword } of starts) {
    for (const g of keyword.rules) {
      if (!g.sticky) {
        present.add(g);
        continue;
      }
      for (const start of g.rule.startsBefore ? g.rule.startsBefore(text, at) : [at]) {
        if (start < (next.get(g) ?? 0)) continue;
        g.sticky.lastIndex = start;
        const m = g.sticky.exec(text);
        if (!m) continue;
        next.set(g, start + m[0].length);
        pushMatch(out, g, m, text);
        break;
      }
    }
  }
  for (const g of present) for (const m of text.matchAll(g.rule.pattern)) pushMatch(out, g, m, text);
  return out.sort((a, b) => a.order - b.order || a.start - b.start).map(({ order: _, ...m }) => m);
}

/**
 * All secrets in `text`, sorted by start and disjoint: of overlapping provider matches the
 * earlier (then longer) wins, and a generic assignment only counts where no provider rule
 * matched (`GITHUB_TOKEN=ghp_…` is a GitHub PAT, once).
 */
export function findSecrets(text: string, keywordStarts: readonly KeywordStart<SecretKeyword>[] = SECRET_PASS.starts(text)): WindowMatch[] {
  return addDisjoint(findGenericSecrets(text), addDisjoint(findRuleMatches(text, keywordStarts), []));
}
