import { type LetterDocument, renderLetterPdf, winAnsi } from './letter-pdf.js';

const letter = (over: Partial<LetterDocument> = {}): LetterDocument => ({
  serialNumber: 'MDM-GAO-L-2026-00001',
  issuer: { code: 'MDM-GAO', name: 'Maison du Migrant de Gao' },
  holder: { fullName: 'Aminata Traoré', nationality: 'GIN', dateOfBirth: '1999-04-02', birthYear: 1999, birthDateEstimated: false },
  validFrom: '2026-11-23',
  validUntil: '2026-12-10',
  route: { from: 'Gao', to: 'Bamako', via: ['Gossi', 'Douentza', 'Mopti'] },
  purpose: 'transit',
  issuedAt: new Date('2026-11-23T09:30:00Z'),
  issuedBy: 'Awa Maïga',
  verificationUrl: `https://passerelle.example/api/v1/public/letters/verify?token=${'a'.repeat(120)}.${'b'.repeat(300)}.${'c'.repeat(86)}`,
  keysUrl: 'https://passerelle.example/api/v1/public/letters/keys',
  ...over,
});

/** Page objects of the PDF (`/Type /Page`, not `/Pages`): the dictionaries are not compressed. */
const pageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;

describe('renderLetterPdf', () => {
  it('is a one-page PDF, the same bytes for the same letter', async () => {
    const pdf = await renderLetterPdf(letter());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
    expect(pageCount(pdf)).toBe(1);
    expect((await renderLetterPdf(letter())).equals(pdf)).toBe(true);
  });

  it('stays on one page with every field at its longest (fixed boxes, cut with an ellipsis)', async () => {
    const long = (n: number) => 'Wéé '.repeat(n).slice(0, n);
    const pdf = await renderLetterPdf(
      letter({
        issuer: { code: 'ABCDEFGHIJ-KLMNOPQRS', name: long(200) },
        holder: { fullName: long(300), nationality: null, dateOfBirth: null, birthYear: null, birthDateEstimated: false },
        route: { from: long(80), to: long(80), via: Array.from({ length: 12 }, () => long(80)) },
        purpose: long(300),
        issuedBy: long(200),
        verificationUrl: `https://passerelle.example/api/v1/public/letters/verify?token=${'x'.repeat(1500)}`,
      }),
    );
    expect(pageCount(pdf)).toBe(1);
  });
});

describe('winAnsi (what the standard PDF fonts can print)', () => {
  it.each([
    ['Aminata Traoré', 'Aminata Traoré'],
    ['Awa Maïga', 'Awa Maïga'],
    ['Ségou – Mopti', 'Ségou – Mopti'],
    ['Şükrü Ğ', 'Sükrü G'],
    ['Ŋaa', '?aa'],
    ['line\nbreak\ttab', 'line break tab'],
    ['d’Ivoire', 'd’Ivoire'],
  ])('%j → %j', (input, output) => {
    expect(winAnsi(input)).toBe(output);
  });
});
