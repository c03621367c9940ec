import { describe, expect, it } from 'vitest';
import { findDatesOfBirth } from '../src/scan/date-of-birth.ts';
import { detectWindow } from '../src/scan/detect.ts';
import { findSecrets, isPlaceholder, isSecretName, SECRET_MAX_LENGTH, SECRET_RULES, shannonEntropy } from '../src/scan/secrets.ts';

// Test tokens are generated, not written out, so no real-looking secret sits in the repository
// (push protection and secret scanners would flag it).
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function fake(n: number, alphabet = ALNUM, seed = 7): string {
  let s = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    s = (s * 48271) % 2147483647;
    out += alphabet[s % alphabet.length];
  }
  return out;
}
const HEX = '0123456789abcdef';
const B64 = ALNUM + '+/';
const b64url = (s: string): string => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const types = (text: string): string[] => findSecrets(text).map((m) => m.type);

/** One realistic line per provider rule: [expected type, line]. */
const POSITIVES: Array<[string, string]> = [
  ['AWS_ACCESS_KEY_ID', `aws_access_key_id = AKIA${fake(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`],
  ['AWS_ACCESS_KEY_ID', `"AccessKeyId": "ASIA${fake(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 3)}"`],
  ['AWS_SECRET_ACCESS_KEY', `aws_secret_access_key = ${fake(40, B64)}`],
  ['AWS_SECRET_ACCESS_KEY', `"SecretAccessKey": "${fake(40, B64, 9)}"`],
  ['GITHUB_PAT', `token: ghp_${fake(36)}`],
  ['GITHUB_OAUTH_TOKEN', `gho_${fake(36)}`],
  ['GITHUB_USER_TO_SERVER_TOKEN', `ghu_${fake(36)}`],
  ['GITHUB_SERVER_TO_SERVER_TOKEN', `ghs_${fake(36)}`],
  ['GITHUB_REFRESH_TOKEN', `ghr_${fake(36)}`],
  ['GITHUB_FINE_GRAINED_PAT', `github_pat_${fake(22)}_${fake(59)}`],
  ['GITLAB_PAT', `glpat-${fake(20)}`],
  ['GITLAB_RUNNER_TOKEN', `glrt-${fake(20)}`],
  ['GITLAB_DEPLOY_TOKEN', `gldt-${fake(20)}`],
  ['GITLAB_PIPELINE_TRIGGER_TOKEN', `glptt-${fake(40, HEX)}`],
  ['SLACK_BOT_TOKEN', `xoxb-${fake(11, '0123456789')}-${fake(12, '0123456789')}-${fake(24)}`],
  ['SLACK_USER_TOKEN', `xoxp-${fake(11, '0123456789')}-${fake(11, '0123456789')}-${fake(12, '0123456789')}-${fake(32, HEX)}`],
  ['SLACK_TOKEN', `xoxr-${fake(2, '0123456789')}-${fake(40)}`],
  ['SLACK_APP_TOKEN', `xapp-1-A${fake(10, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}-${fake(13, '0123456789')}-${fake(64, HEX)}`],
  ['SLACK_WEBHOOK_URL', `https://hooks.slack.com/services/T${fake(8, 'ABCDEFGHIJ0123456789')}/B${fake(8, 'ABCDEFGHIJ0123456789')}/${fake(24)}`],
  ['STRIPE_LIVE_SECRET_KEY', `sk_live_${fake(24)}`],
  ['STRIPE_LIVE_RESTRICTED_KEY', `rk_live_${fake(24)}`],
  ['STRIPE_LIVE_PUBLISHABLE_KEY', `pk_live_${fake(24)}`],
  ['STRIPE_TEST_KEY', `sk_test_${fake(24)}`],
  ['STRIPE_WEBHOOK_SECRET', `whsec_${fake(32)}`],
  ['GOOGLE_API_KEY', `key=AIza${fake(35)}`],
  ['GOOGLE_OAUTH_CLIENT_SECRET', `GOCSPX-${fake(28)}`],
  ['GOOGLE_OAUTH_ACCESS_TOKEN', `Authorization: Bearer ya29.${fake(60)}`],
  ['ANTHROPIC_API_KEY', `ANTHROPIC_API_KEY=sk-ant-api03-${fake(93)}AA`],
  ['OPENAI_API_KEY', `OPENAI_API_KEY=sk-proj-${fake(120)}`],
  ['OPENAI_API_KEY', `openai.api_key = "sk-${fake(48)}"`],
  ['TWILIO_API_KEY', `SK${fake(32, HEX)}`],
  ['TWILIO_ACCOUNT_SID', `AC${fake(32, HEX)}`],
  ['SENDGRID_API_KEY', `SG.${fake(22)}.${fake(43)}`],
  ['NPM_TOKEN', `//registry.npmjs.org/:_authToken=npm_${fake(36)}`],
  ['PYPI_TOKEN', `password = pypi-AgEIcHlwaS5vcmc${fake(60)}`],
  ['AZURE_STORAGE_ACCOUNT_KEY', `DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${fake(86, B64)}==;`],
  ['SHOPIFY_TOKEN', `shpat_${fake(32, HEX)}`],
  ['DIGITALOCEAN_TOKEN', `dop_v1_${fake(64, HEX)}`],
  ['HUGGINGFACE_TOKEN', `hf_${fake(34, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')}`],
  ['MAILGUN_API_KEY', `key-${fake(32, HEX)}`],
  ['MAILCHIMP_API_KEY', `${fake(32, HEX)}-us14`],
  ['SQUARE_TOKEN', `sq0atp-${fake(22)}`],
  ['DISCORD_WEBHOOK_URL', `https://discord.com/api/webhooks/${fake(18, '0123456789')}/${fake(68)}`],
  ['TELEGRAM_BOT_TOKEN', `bot${''} 1234567890:AA${fake(33)}`],
  ['DOCKER_HUB_PAT', `dckr_pat_${fake(27)}`],
  ['DATABRICKS_TOKEN', `dapi${fake(32, HEX)}`],
  ['HASHICORP_VAULT_TOKEN', `VAULT_TOKEN=hvs.${fake(90)}`],
  ['POSTMAN_API_KEY', `PMAK-${fake(24, HEX)}-${fake(34, HEX)}`],
  ['LINEAR_API_KEY', `lin_api_${fake(40)}`],
  ['NEW_RELIC_API_KEY', `NRAK-${fake(27, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`],
  ['GROQ_API_KEY', `gsk_${fake(52)}`],
  ['AGE_SECRET_KEY', `AGE-SECRET-KEY-1${fake(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')}`],
  ['JWT', `Bearer ${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"sub":"42"}')}.${fake(43)}`],
  ['JWT', `${b64url('{"alg":"none"}')}.${b64url('{"sub":"42"}')}.`],
  ['CONNECTION_STRING_PASSWORD', `DATABASE_URL=postgresql://app:${fake(16)}@db.internal:5432/prod`],
  ['CONNECTION_STRING_PASSWORD', `mongodb+srv://admin:${fake(12)}@cluster0.mongodb.net/test`],
  ['CONNECTION_STRING_PASSWORD', `redis://:${fake(20)}@cache:6379/0`],
  ['CONNECTION_STRING_PASSWORD', `amqp://guest:${fake(10)}@rabbit:5672/`],
  ['GENERIC_SECRET', `api_key = "${fake(32)}"`],
  ['GENERIC_SECRET', `DB_PASSWORD=${fake(14)}`],
  ['GENERIC_SECRET', `{"clientSecret": "${fake(24)}"}`],
  ['GENERIC_SECRET', `private_key: '${fake(40, B64)}'`],
];

const PEM = (label: string): string => `-----BEGIN ${label}-----\n${fake(64, B64)}\n${fake(64, B64)}\n-----END ${label}-----`;
const PEM_CASES: Array<[string, string]> = [
  ['RSA_PRIVATE_KEY', PEM('RSA PRIVATE KEY')],
  ['EC_PRIVATE_KEY', PEM('EC PRIVATE KEY')],
  ['DSA_PRIVATE_KEY', PEM('DSA PRIVATE KEY')],
  ['OPENSSH_PRIVATE_KEY', PEM('OPENSSH PRIVATE KEY')],
  ['PGP_PRIVATE_KEY', `-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n${fake(64, B64)}\n`],
  ['PRIVATE_KEY', `{"private_key": "-----BEGIN PRIVATE KEY-----\\n${fake(64, B64)}\\n${fake(64, B64)}\\n-----END PRIVATE KEY-----\\n"}`],
  ['ENCRYPTED_PRIVATE_KEY', PEM('ENCRYPTED PRIVATE KEY')],
];

describe('secret rules', () => {
  it('has gitleaks-class coverage: 30+ distinct rule types, each with a positive case here', () => {
    const ruleTypes = new Set(SECRET_RULES.map((r) => r.type));
    expect(ruleTypes.size).toBeGreaterThanOrEqual(30);
    const tested = new Set([...POSITIVES, ...PEM_CASES].map(([t]) => t));
    expect([...ruleTypes].filter((t) => !tested.has(t))).toEqual([]);
  });

  it.each([...POSITIVES, ...PEM_CASES])('%s', (type, line) => {
    expect(types(line)).toEqual([type]);
  });

  it('reports a provider token once, not also as a generic assignment', () => {
    expect(types(`GITHUB_TOKEN="ghp_${fake(36)}"`)).toEqual(['GITHUB_PAT']);
    expect(types(`stripe_secret = "sk_live_${fake(30)}"`)).toEqual(['STRIPE_LIVE_SECRET_KEY']);
  });

  it('spans only the password of a connection string', () => {
    const pw = fake(16);
    const text = `postgres://app:${pw}@db:5432/x`;
    const [m] = findSecrets(text);
    expect(text.slice(m?.start, m?.end)).toBe(pw);
  });

  it('rates Stripe test keys lower than live keys', () => {
    const sev = (line: string): string | undefined => findSecrets(line)[0]?.severity;
    expect(sev(`sk_live_${fake(24)}`)).toBe('critical');
    expect(sev(`sk_test_${fake(24)}`)).toBe('low');
  });

  it('finds each rule whatever the parity of its offset (keywords are looked up at every second pair)', () => {
    for (const [type, line] of [...POSITIVES, ...PEM_CASES]) {
      for (const pad of [' ', '  ', '   ', 'é ']) expect(types(`${pad}${line}`), `${type} after ${JSON.stringify(pad)}`).toEqual([type]);
    }
  });

  it('finds case-insensitive keywords in any case, next to non-ASCII text and at the very end', () => {
    const key = fake(40, B64, 11);
    for (const name of ['AWS_SECRET_ACCESS_KEY', 'Aws_Secret_Access_Key', 'SECRET_ACCESS_KEY', 'sEcReT-aCcEsS-kEy']) {
      expect(types(`é ${name} = ${key}`)).toEqual(['AWS_SECRET_ACCESS_KEY']);
    }
    expect(types(`seçret_access_key = ${key}`)).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(types(`POSTGRESQL://app:${fake(16)}@db/x`)).toEqual(['CONNECTION_STRING_PASSWORD']);
    expect(types('aws')).toEqual([]);
    expect(types('secre')).toEqual([]);
  });

  it('keeps every rule within SECRET_MAX_LENGTH', () => {
    const longJwt = `${b64url('{"alg":"RS256"}')}.${fake(4000)}.${fake(1000)}`;
    for (const m of findSecrets(longJwt)) expect(m.end - m.start).toBeLessThanOrEqual(SECRET_MAX_LENGTH);
  });
});

describe('precision on non-secret text', () => {
  it.each([
    ['UUIDs', 'request 550e8400-e29b-41d4-a716-446655440000 and id: 123e4567-e89b-12d3-a456-426614174000'],
    ['git SHAs', `commit ${fake(40, HEX)}\nMerge: ${fake(7, HEX)} ${fake(7, HEX)}\nsha256:${fake(64, HEX)}`],
    ['data URI images', `<img src="data:image/png;base64,iVBORw0KGgo${fake(4000, B64)}==">`],
    ['lorem ipsum', 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Password reset links expire after 24 hours; keep your API key safe.'],
    ['code reading secrets from the environment', 'password = getenv("DB_PASSWORD")\ntoken = os.environ["TOKEN"]\napiKey: process.env.API_KEY,\nconst secret = config.auth.secret;\nself.password = password'],
    ['hex colors and CSS', '.btn { color: #ff00aa; background-color: #1e90ff; border: 1px solid #333; }'],
    ['type annotations and schema', 'password: string;\npassword_hash = Column(String(128))\nsecret_key = models.CharField(max_length=50)'],
    ['placeholders', 'api_key = "<your-api-key>"\nPASSWORD=changeme\ntoken: ${GITHUB_TOKEN}\nsecret = "xxxxxxxxxxxxxxxx"\nclient_secret: "{{ .Values.secret }}"\npassword = "********"\nAPI_KEY=your_api_key_here\npostgres://user:password@localhost/db\nsecret_key = "example-secret-key"'],
    ['non-secret key names', 'primary_key = "customer_id_v2"\npublic_key = "pk_0123456789abcdef"\nmax_tokens = 4096\nnext_page_token: "eyJwYWdlIjoyfQ"'],
    ['private key mentioned without a body', 'Paste the file that starts with -----BEGIN RSA PRIVATE KEY----- here.'],
  ])('%s', (_name, text) => {
    expect(types(text)).toEqual([]);
  });

  it('finds no PII or secrets in UUIDs, SHAs, colors and a data URI together', () => {
    const text = `id=550e8400-e29b-41d4-a716-446655440000 sha=${fake(40, HEX)} color=#a1b2c3 img=data:image/jpeg;base64,${fake(2000, B64)}`;
    expect(detectWindow(text)).toEqual([]);
  });
});

describe('helpers', () => {
  it('shannonEntropy', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });

  it.each(['xxx', 'changeme', '<your-key>', '${VAR}', 'example123', 'aaaaaaaaaa', '{{ secret }}', '$DB_PASS'])('placeholder: %s', (v) => {
    expect(isPlaceholder(v)).toBe(true);
  });

  it('secret names: last word decides, "key" needs a qualifier', () => {
    expect(['api_key', 'apiKey', 'AWS_SECRET_ACCESS_KEY', 'db.password', 'clientSecret', 'auth-token', 'PASSWD'].every(isSecretName)).toBe(true);
    expect(['key', 'sort_key', 'token_url', 'secret_name', 'public_key', 'max_tokens', 'monkey', 'passwordHash'].some(isSecretName)).toBe(false);
  });
});

describe('dates of birth', () => {
  const dobs = (text: string): string[] => findDatesOfBirth(text).map((m) => text.slice(m.start, m.end));

  it('needs a context word', () => {
    expect(dobs('DOB: 1985-03-12')).toEqual(['1985-03-12']);
    expect(dobs('Date of birth 03/12/1985')).toEqual(['03/12/1985']);
    expect(dobs('born on March 5, 1990')).toEqual(['March 5, 1990']);
    expect(dobs('Birthdate: 5th of June 1971')).toEqual(['5th of June 1971']);
    expect(dobs('d.o.b. 31.12.1960')).toEqual(['31.12.1960']);
    expect(dobs('Invoice date 1985-03-12, shipped 03/12/1985')).toEqual([]);
  });

  it('rejects impossible dates', () => {
    expect(dobs('DOB: 1985-02-30')).toEqual([]);
    expect(dobs('DOB: 13/13/1985')).toEqual([]);
    expect(dobs('DOB: 1850-01-01')).toEqual([]);
    expect(dobs('adobe 1985-03-12')).toEqual([]);
  });
});
