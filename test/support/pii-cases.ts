// Values the PII detectors used to leave in clear text (issue #14), each in the sentence it is
// found in, and sentences of numbers that are not PII. Shared by the detector unit tests and
// the API tests (masked sentiment results, security_scan findings).
import type { PiiType } from '../../src/pii/detectors.ts';

export interface PiiCase {
  text: string;
  value: string;
  type: PiiType;
}

export const MISSED_PII: readonly PiiCase[] = [
  // Luhn-valid cards outside the issuer table: 12-digit Maestro, 35xx just outside JCB's range.
  { type: 'CREDIT_CARD', text: 'Paid with 630427373398 yesterday.', value: '630427373398' },
  { type: 'CREDIT_CARD', text: 'Maestro 501864667909 was declined.', value: '501864667909' },
  { type: 'CREDIT_CARD', text: 'I want to raise the limit on my card # 3598899323053410 please.', value: '3598899323053410' },
  { type: 'CREDIT_CARD', text: 'Charge 3521-2137-6441-8045 again.', value: '3521-2137-6441-8045' },
  // Card-like groupings whatever the issuer: 4-6-5 and 4-4-4-4-3.
  { type: 'CREDIT_CARD', text: 'Card 9012 345678 90129 on file.', value: '9012 345678 90129' },
  { type: 'CREDIT_CARD', text: 'Card 9012 3456 7890 1234 560 on file.', value: '9012 3456 7890 1234 560' },
  // Phones in national formats, and one that fails strict validity, next to phone words.
  { type: 'PHONE', text: 'Mobile: 07700 063 966', value: '07700 063 966' },
  { type: 'PHONE', text: 'Phone: 0490 75 40 81', value: '0490 75 40 81' },
  { type: 'PHONE', text: 'Call (37) 788-063 after five.', value: '(37) 788-063' },
  { type: 'PHONE', text: 'Please have the manager call me at 0688 872 49 99.', value: '0688 872 49 99' },
  { type: 'PHONE', text: 'You can reach me at 699 956 915 today.', value: '699 956 915' },
  { type: 'PHONE', text: 'Tel. 467 3395 (evenings).', value: '467 3395' },
  { type: 'PHONE', text: '+1-984-182-0190 mobile', value: '+1-984-182-0190' },
  // National formats valid in a candidate region need no phone word.
  { type: 'PHONE', text: 'They are not answering at 07700 900 123.', value: '07700 900 123' },
];

/** One sentence per kind of number that is not PII; masking must leave each as it is. */
export const HARD_NEGATIVES: Readonly<Record<string, string>> = {
  orderId: 'Your order #4532015112830366 has shipped; order number 100234557 is merged into it.',
  version: 'Updated to v2.10.3 and firmware 10.0.19045.3803, Chrome 120.0.6099.129.',
  date: 'Delivered 2024-01-15 10:32:11, booked 15/01/2024, logged at 20240115103211.',
  price: 'It cost $1,299.99, then € 12 345,00; revenue grew to 12 345 678 dollars.',
  isbn: 'ISBN 978-3-16-148410-0 and the reprint 978 1 6669 2227 1.',
  tracking: 'Tracking 9400 1000 0000 0000 0000 00 and 1Z999AA10123456784 have not moved.',
  luhnInvalid: 'Code 4111 1111 1111 1112 was rejected, so was 5465408832100543.',
};
