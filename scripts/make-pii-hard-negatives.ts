// Writes eval/pii-hard-negatives.json: sentences full of numbers that are not PII (order ids,
// versions, dates, prices, ISBNs, tracking numbers, Luhn-invalid 16-digit runs, …). Generated
// from templates with a fixed seed, plus hand-written sentences; `npm run eval:pii` reports how
// many of them maskPii alters. Regenerate with:
//   node --experimental-strip-types scripts/make-pii-hard-negatives.ts
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seeded } from '../test/support/seeded-random.ts';

const SEED = 14;
const PER_KIND = 50;

const rand = seeded(SEED);
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const digits = (n: number): string => String(int(1, 9)) + Array.from({ length: n - 1 }, () => String(int(0, 9))).join('');
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const group = (s: string, sizes: number[], sep: string): string => {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(s.slice(at, at + n));
    at += n;
  }
  return out.join(sep);
};

function luhnSum(ds: string): number {
  let sum = 0;
  for (let i = 0; i < ds.length; i++) {
    let d = Number(ds[ds.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}
/** A 16-digit run whose Luhn check fails. */
function luhnInvalid16(): string {
  const body = pick(['4', '5', '37', '6011', '35', '9']) + digits(15);
  const s = body.slice(0, 16);
  return luhnSum(s) % 10 === 0 ? s.slice(0, 15) + String((Number(s[15]) + 1) % 10) : s;
}
function isbn13(): string {
  const body = pick(['978', '979']) + String(int(0, 9)) + digits(3) + digits(5);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}
const date = (): { y: number; m: number; d: number } => ({ y: int(1990, 2030), m: int(1, 12), d: int(1, 28) });

const KINDS: Record<string, Array<() => string>> = {
  order: [
    () => `Your order #${digits(int(6, 16))} has shipped and should arrive on Tuesday.`,
    () => `Order number: ${digits(int(8, 16))}. Please keep it for your records.`,
    () => `I never received order ${digits(int(9, 12))} and support keeps closing my ticket.`,
    () => `Invoice no. ${digits(int(8, 14))} was paid on time.`,
    () => `Ref: ${digits(int(10, 16))} — refund requested.`,
    () => `Transaction ID ${digits(int(12, 18))} failed twice.`,
    () => `Customer id ${digits(int(7, 12))} asked for a callback about the return.`,
  ],
  version: [
    () => `Updated the app to v${int(1, 20)}.${int(0, 30)}.${int(0, 200)} and it still crashes.`,
    () => `Running Chrome ${int(90, 140)}.0.${int(4000, 7000)}.${int(10, 300)} on Windows 10.0.${int(10000, 22999)}.${int(100, 3000)}.`,
    () => `Firmware version ${int(1, 9)}.${int(0, 99)}.${int(0, 99)}.${int(1000, 99999)} fixed the wifi drop.`,
    () => `Build ${int(1, 30)}.${int(0, 12)}.${pad(int(0, 99))}.${int(1000, 99999)} is out.`,
    () => `kernel ${int(4, 6)}.${int(0, 19)}.${int(0, 200)}-${int(10, 300)}-generic works fine`,
  ],
  date: [
    () => { const { y, m, d } = date(); return `Delivered on ${y}-${pad(m)}-${pad(d)} at ${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}.`; },
    () => { const { y, m, d } = date(); return `Booked for ${pad(d)}/${pad(m)}/${y}, cancelled ${pad(int(1, 28))}.${pad(int(1, 12))}.${y}.`; },
    () => { const { y, m, d } = date(); return `Logged at ${y}${pad(m)}${pad(d)}${pad(int(0, 23))}${pad(int(0, 59))}${pad(int(0, 59))} by the scheduler.`; },
    () => `Unix time ${int(1_000_000_000, 1_900_000_000)} is when the job ran.`,
    () => { const { y, m, d } = date(); return `Between ${y}-${pad(m)}-${pad(d)} and ${y + 1}-${pad(m)}-${pad(d)} the price doubled.`; },
    () => { const { y, m, d } = date(); return `Statement period ${pad(m)}/${pad(d)}/${y} - ${pad(m)}/${pad(d)}/${y + 1}.`; },
  ],
  price: [
    () => `It cost $${int(1, 9)},${digits(3)},${digits(3)}.${pad(int(0, 99))} in total.`,
    () => `Price: ${int(1, 999)} ${digits(3)} ${digits(3)} EUR, shipping included.`,
    () => `Paid € ${int(10, 999)} ${digits(3)},${pad(int(0, 99))} for the whole order.`,
    () => `Revenue grew to ${int(1, 99)} ${digits(3)} ${digits(3)} ${digits(3)} dollars last year.`,
    () => `Balance ${int(1, 999)}.${digits(3)}.${digits(3)},${pad(int(0, 99))} € after the transfer.`,
    () => `The total amount was ${digits(int(7, 11))} yen.`,
  ],
  isbn: [
    () => { const s = isbn13(); return `ISBN ${group(s, [3, 1, 3, 5, 1], '-')} is the hardcover edition.`; },
    () => `ISBN-13: ${isbn13()} (paperback).`,
    () => { const s = isbn13(); return `Reading ${group(s, [3, 1, 4, 4, 1], ' ')} for the book club.`; },
    () => { const s = isbn13(); return `${group(s, [3, 2, 3, 4, 1], '-')} is the catalogue number of the reprint.`; },
  ],
  tracking: [
    () => `Tracking number 1Z${Array.from({ length: 6 }, () => pick('ABCDEFGHJKLMNPRSTUVWXYZ0123456789'.split(''))).join('')}${digits(10)} shows it in transit.`,
    () => `USPS tracking: ${group('9' + digits(21), [4, 4, 4, 4, 4, 2], ' ')}.`,
    () => `FedEx tracking ${digits(12)} says delivered but nothing here.`,
    () => `Track your parcel with ${group(digits(12), [4, 4, 4], ' ')} on the carrier's site.`,
    () => `DHL shipment ${digits(10)} is stuck in customs.`,
    () => `Parcel JD${digits(18)} was returned to sender.`,
  ],
  luhnInvalid: [
    () => `Account ${group(luhnInvalid16(), [4, 4, 4, 4], ' ')} shows no activity.`,
    () => `Reference ${luhnInvalid16()} appears on the statement.`,
    () => `Code ${group(luhnInvalid16(), [4, 4, 4, 4], '-')} did not work at checkout.`,
    () => `The id ${luhnInvalid16()} belongs to the old record.`,
  ],
  other: [
    () => `The screen is ${pick(['1920x1080', '2560x1440', '3840x2160'])} and weighs ${int(1, 9)}.${int(0, 9)} kg.`,
    () => `Coordinates ${int(-89, 89)}.${digits(4)}, ${int(-179, 179)}.${digits(4)} are the warehouse.`,
    () => `ZIP ${digits(5)}-${digits(4)} was on the label.`,
    () => `Pages ${int(100, 400)}-${int(401, 900)} cover the warranty terms.`,
    () => `Won ${int(0, 9)}-${int(0, 9)} after ${int(90, 120)} minutes; attendance ${int(10, 99)} ${digits(3)}.`,
    () => `Serial ${pick(['SN', 'S/N'])} ${digits(int(8, 14))} is printed under the battery.`,
    () => `Model ${pick(['XR', 'GT', 'TX'])}-${digits(4)}-${digits(3)} replaced the old unit.`,
    () => `Population ${int(1, 99)} ${digits(3)} ${digits(3)} in ${int(1990, 2024)}.`,
  ],
};

// Hand-written: shapes the templates do not cover.
const HAND_WRITTEN = [
  'Version 2.10.3 fixed it, 2.10.4 broke it again.',
  'Released 2023-11-05, patched 2023-11-19, recalled 2024-02-01.',
  'It was $1,299.99 last week and $999.00 today.',
  'The 2019 2020 and 2021 models all have the same fault.',
  'Order #100234557 and order #100234558 were merged.',
  'Room 1204, building 7, floor 12 — ask for the parcel at desk 3.',
  'Score 3-1, then 2-2, then 4-0 in the final.',
  'I waited from 10:30 to 14:45 for the technician.',
  'My flight UA 1523 left at 07:55 on 12/03/2024.',
  'The recipe needs 250 g flour, 125 ml milk and 2 eggs.',
  'We sold 1 250 000 units in 2023 and 1 400 000 in 2024.',
  'Ticket 4521-8873-1190 is still open after 14 days.',
  'ISBN 0-306-40615-2 is the first edition.',
  'Part number 0123-4567-89 does not fit the 2018 model.',
  'Pay reference 2024 0115 0000 9981 with your transfer.',
  'The survey had 95% confidence and a margin of 3.5%.',
  'Batch 20240115-0932 expired on 2025-01-15.',
  'Invoice 2024/00123/07 was sent on 15/02/2024.',
  'Firmware 10.0.19045.3803 still shows the bug.',
  'Our lot numbers run from 100000 to 999999.',
  'It took 3 to 5 business days, not 24-48 hours.',
  'The total was 12 345 678 won including tax.',
  'Dimensions: 120 x 80 x 45 cm, 12.5 kg.',
  'Between 1 000 and 5 000 people attended.',
  'Tracking 9400 1000 0000 0000 0000 00 has not moved.',
  'Promo code 2024SAVE20 gave 20% off 3 items.',
  'The lottery numbers were 04 11 23 35 42 48.',
  'Chapter 12, verse 3-17 was read aloud.',
  'Account balance 4 012 888 888 881 882 after interest.',
  'The 16-digit code 1234 5678 9012 3456 on the voucher was rejected.',
  'Order reference 6011 0009 9013 9425 is not a card, it is a voucher id.',
  'Resolution 3840 x 2160 at 144 Hz.',
  'The package weighed 2.345 kg and measured 30-20-10.',
  'Ranges like 1-10, 11-20 and 21-30 are grouped by age.',
  'Model year 2021, mileage 45 000 km, price 18 500 EUR.',
  'Postcode 75008 Paris, 10115 Berlin, 28001 Madrid.',
  'Version 1.2.3.4.5 is not a real release.',
  'Laptop SKU 8MB77UA#ABA arrived damaged.',
  'Sold out: 0 of 250 left, restock 2024-03-01.',
  'Patent US 10,123,456 B2 covers the hinge.',
];

const sentences: { kind: string; text: string }[] = [];
for (const [kind, makers] of Object.entries(KINDS)) {
  for (let i = 0; i < PER_KIND; i++) sentences.push({ kind, text: pick(makers)() });
}
for (const text of HAND_WRITTEN) sentences.push({ kind: 'hand-written', text });

const out = resolve(dirname(fileURLToPath(import.meta.url)), '../eval/pii-hard-negatives.json');
writeFileSync(out, `${JSON.stringify({ seed: SEED, generator: 'scripts/make-pii-hard-negatives.ts', sentences }, null, 1)}\n`);
console.log(`wrote ${sentences.length} sentences to ${out}`);
