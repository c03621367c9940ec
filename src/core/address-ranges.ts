/**
 * Which URL hosts a webhook may not target: names and addresses that lead to the service's own
 * machine, a private network, or nowhere routable. Hosts arrive as the URL parser normalised
 * them (IPv4 in dotted decimal, IPv6 bracketed and compressed), so every spelling of an address
 * is judged by its value, and IPv6 forms that embed an IPv4 address are judged by that address.
 */

type Cidr = readonly [base: number, bits: number];

const ip4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** IANA special-purpose and private IPv4 blocks (RFC 6890 and successors). */
const NON_PUBLIC_V4: readonly Cidr[] = [
  [ip4(0, 0, 0, 0), 8], // "this network"
  [ip4(10, 0, 0, 0), 8], // private
  [ip4(100, 64, 0, 0), 10], // carrier-grade NAT
  [ip4(127, 0, 0, 0), 8], // loopback
  [ip4(169, 254, 0, 0), 16], // link-local, cloud metadata
  [ip4(172, 16, 0, 0), 12], // private
  [ip4(192, 0, 0, 0), 24], // IETF protocol assignments
  [ip4(192, 0, 2, 0), 24], // documentation
  [ip4(192, 88, 99, 0), 24], // 6to4 relay anycast
  [ip4(192, 168, 0, 0), 16], // private
  [ip4(198, 18, 0, 0), 15], // benchmarking
  [ip4(198, 51, 100, 0), 24], // documentation
  [ip4(203, 0, 113, 0), 24], // documentation
  [ip4(224, 0, 0, 0), 4], // multicast
  [ip4(240, 0, 0, 0), 4], // reserved, broadcast
];

function inCidr(value: number, [base, bits]: Cidr): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((value & mask) >>> 0) === base;
}

function nonPublicV4(value: number): boolean {
  return NON_PUBLIC_V4.some((cidr) => inCidr(value, cidr));
}

function parseV4(host: string): number | null {
  const parts = host.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  const [a = 0, b = 0, c = 0, d = 0] = parts.map(Number);
  return ip4(a, b, c, d);
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 allowed), or null. */
function parseV6(address: string): number[] | null {
  let text = address;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseV4(dotted[2] ?? '');
    if (v4 === null) return null;
    text = `${dotted[1]}0:0`;
    tail.push(v4 >>> 16, v4 & 0xffff);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  const words = all.map((g) => parseInt(g, 16));
  if (tail.length > 0) words.splice(6, 2, ...tail);
  return words;
}

const v4Of = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;

function nonPublicV6(w: readonly number[]): boolean {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = w;
  const zeroTo = (n: number) => w.slice(0, n).every((x) => x === 0);
  // ::, ::1, and IPv4-compatible ::a.b.c.d (deprecated, judged by its IPv4).
  if (zeroTo(6)) return w6 === 0 || nonPublicV4(v4Of(w6, w7));
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d.
  if (zeroTo(5) && w5 === 0xffff) return nonPublicV4(v4Of(w6, w7));
  if (zeroTo(4) && w4 === 0xffff && w5 === 0) return nonPublicV4(v4Of(w6, w7));
  // NAT64: the well-known prefix 64:ff9b::/96 carries an IPv4; the rest of 64:ff9b::/32 (the
  // local-use 64:ff9b:1::/48 among it) is a network's own translator.
  if (w0 === 0x64 && w1 === 0xff9b) return w2 !== 0 || w3 !== 0 || w4 !== 0 || w5 !== 0 || nonPublicV4(v4Of(w6, w7));
  // 6to4 2002::/16 carries an IPv4 in its next 32 bits.
  if (w0 === 0x2002) return nonPublicV4(v4Of(w1, w2));
  // Teredo 2001::/32 hides an obfuscated IPv4; documentation 2001:db8::/32; discard-only 100::/64.
  if (w0 === 0x2001 && (w1 === 0 || w1 === 0xdb8)) return true;
  if (w0 === 0x100 && w1 === 0 && w2 === 0 && w3 === 0) return true;
  // fc00::/7 unique-local, fe80::/10 link-local, fec0::/10 site-local, ff00::/8 multicast.
  return (w0 & 0xfe00) === 0xfc00 || (w0 & 0xffc0) === 0xfe80 || (w0 & 0xffc0) === 0xfec0 || (w0 & 0xff00) === 0xff00;
}

/** Names that never leave the local machine or site (RFC 6761, 6762, 8375; ICANN's `.internal`). */
const LOCAL_NAMES = ['localhost', 'local', 'internal', 'home.arpa', 'localdomain'];

/**
 * True when `hostname` (a `URL.hostname`) names a loopback, private, link-local, multicast or
 * otherwise non-public target. A trailing dot is the same name, so it is dropped first.
 */
export function isNonPublicHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.+$/, '');
  if (host.startsWith('[') && host.endsWith(']')) {
    const words = parseV6(host.slice(1, -1));
    return words === null || nonPublicV6(words);
  }
  const v4 = parseV4(host);
  if (v4 !== null) return nonPublicV4(v4);
  return host === '' || LOCAL_NAMES.some((name) => host === name || host.endsWith(`.${name}`));
}
