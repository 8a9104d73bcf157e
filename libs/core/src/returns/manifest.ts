import { stringify } from 'csv-stringify/sync';
import { winAnsi } from '../letters/index.js';
import type { Movement } from './return.entity.js';
import type { ManifestRow } from './return.types.js';

/** The manifest's columns, in order: the CSV header and the PDF table (DESIGN §6, issue 9). */
export const MANIFEST_COLUMNS: { key: keyof ManifestRow; header: string }[] = [
  { key: 'movementDate', header: 'movement_date' },
  { key: 'carrier', header: 'carrier' },
  { key: 'vehicle', header: 'vehicle' },
  { key: 'caseNumber', header: 'case_number' },
  { key: 'fullName', header: 'full_name' },
  { key: 'sex', header: 'sex' },
  { key: 'dateOfBirth', header: 'date_of_birth' },
  { key: 'nationality', header: 'nationality' },
  { key: 'destinationCountry', header: 'destination_country' },
  { key: 'destinationLocality', header: 'destination_locality' },
  { key: 'travelDocumentType', header: 'travel_document_type' },
  { key: 'travelDocumentNumber', header: 'travel_document_number' },
  { key: 'escortRequired', header: 'escort_required' },
];

/**
 * RFC 4180 CSV with a header row, by csv-stringify: quoting of commas, quotes and line breaks is
 * the library's. Cells that a spreadsheet would run as a formula (=, +, -, @ …) are prefixed with
 * a quote (`escape_formulas`): a name typed as `=HYPERLINK(…)` prints as text.
 */
export function manifestCsv(rows: ManifestRow[]): string {
  return stringify(
    rows.map((r) => ({ ...r, escortRequired: r.escortRequired ? 'yes' : 'no' })),
    { header: true, columns: MANIFEST_COLUMNS.map((c) => ({ key: c.key, header: c.header })), escape_formulas: true, record_delimiter: 'windows' },
  );
}

const INK = '#111111';
const MUTED = '#555555';
const RULE = '#9a9a9a';
const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique' };
const MARGIN = 36;
/** The table on A4 landscape: [header fr / en, width in points, the row's value]. */
const TABLE: [string, string, number, (r: ManifestRow, i: number) => string][] = [
  ['N°', 'No.', 24, (_r, i) => String(i + 1)],
  ['Dossier', 'Case', 100, (r) => r.caseNumber],
  ['Nom complet', 'Full name', 150, (r) => r.fullName],
  ['Sexe', 'Sex', 44, (r) => r.sex],
  ['Naissance', 'Born', 88, (r) => r.dateOfBirth],
  ['Nat.', 'Nat.', 32, (r) => r.nationality],
  ['Destination', 'Destination', 120, (r) => `${r.destinationLocality} (${r.destinationCountry})`],
  ['Document de voyage', 'Travel document', 130, (r) => (r.travelDocumentType ? `${r.travelDocumentType} ${r.travelDocumentNumber}` : '')],
  ['Escorte', 'Escort', 40, (r) => (r.escortRequired ? 'oui/yes' : 'non/no')],
];
const ROW = 18;

/**
 * The manifest as A4 landscape pages (French with English): the convoy's reference, date,
 * carrier, vehicle and escort staff, then one row per migrant; the table continues on as many
 * pages as needed, its header repeated.
 */
export async function renderManifestPdf(m: Movement, rows: ManifestRow[], printedAt: Date): Promise<Buffer> {
  // Loaded with the first PDF, not at start (resident memory, issue 12; as letters).
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    // Layout is ours (MARGIN); pdfkit's own margins would start a page for the footer.
    margin: 0,
    bufferPages: true,
    lang: 'fr-ML',
    info: { Title: `Manifeste ${m.reference}`, Subject: 'Manifeste de convoi / Movement manifest', Creator: 'Passerelle', Producer: 'Passerelle', CreationDate: printedAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const text = (value: string, x: number, y: number, o: { font?: string; size?: number; color?: string; width?: number; align?: 'left' | 'right' | 'center' } = {}) =>
    doc
      .font(o.font ?? FONT.regular)
      .fontSize(o.size ?? 9)
      .fillColor(o.color ?? INK)
      .text(winAnsi(value), x, y, { width: o.width ?? width, height: (o.size ?? 9) * 1.3, ellipsis: true, lineBreak: false, align: o.align ?? 'left' });

  text('MANIFESTE DE CONVOI', MARGIN, MARGIN, { font: FONT.bold, size: 16 });
  text('Movement manifest', MARGIN, MARGIN + 19, { font: FONT.italic, size: 10, color: MUTED });
  text(m.reference, MARGIN, MARGIN, { font: FONT.bold, size: 12, align: 'right' });
  const facts: [string, string][] = [
    ['Date de départ / Departure date', m.departureDate],
    ['Transporteur / Carrier', m.carrier],
    ['Véhicule / Vehicle', m.vehicle ?? '—'],
    ['Escorte / Escort staff', m.escortStaff.length ? m.escortStaff.join(', ') : '—'],
    ['Personnes / People', String(rows.length)],
  ];
  let y = MARGIN + 42;
  for (const [label, value] of facts) {
    text(label, MARGIN, y, { font: FONT.bold, width: 190 });
    text(value, MARGIN + 195, y, { width: width - 195 });
    y += 14;
  }
  y += 8;

  const header = () => {
    let x = MARGIN;
    for (const [fr, en, w] of TABLE) {
      text(fr, x + 2, y, { font: FONT.bold, size: 8.5, width: w - 4 });
      text(en, x + 2, y + 10, { font: FONT.italic, size: 7.5, color: MUTED, width: w - 4 });
      x += w;
    }
    y += 24;
    doc.moveTo(MARGIN, y - 3).lineTo(MARGIN + width, y - 3).lineWidth(0.8).strokeColor(INK).stroke();
  };
  header();
  const bottom = doc.page.height - MARGIN - 20;
  rows.forEach((r, i) => {
    if (y + ROW > bottom) {
      doc.addPage();
      y = MARGIN;
      header();
    }
    let x = MARGIN;
    for (const [, , w, value] of TABLE) {
      text(value(r, i), x + 2, y + 3, { size: 8.5, width: w - 4 });
      x += w;
    }
    y += ROW;
    doc.moveTo(MARGIN, y - 2).lineTo(MARGIN + width, y - 2).lineWidth(0.3).strokeColor(RULE).stroke();
  });
  if (!rows.length) text('Aucune personne dans ce convoi. / No one in this movement.', MARGIN, y + 4, { font: FONT.italic, color: MUTED });

  // Page footers, once the page count is known.
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    text(`${m.reference} · ${p + 1}/${range.count} · Passerelle · imprimé le / printed ${printedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`, MARGIN, doc.page.height - MARGIN - 8, {
      size: 7,
      color: MUTED,
      align: 'center',
    });
  }
  doc.end();
  return done;
}
