import countries from 'i18n-iso-countries';
import type { LetterHolder, LetterRoute } from './letter.entity.js';

/** Everything printed on a letter: the register's data, never the case's. */
export interface LetterDocument {
  serialNumber: string;
  issuer: { code: string; name: string };
  holder: LetterHolder;
  validFrom: string;
  validUntil: string;
  route: LetterRoute;
  purpose: string;
  issuedAt: Date;
  issuedBy: string | null;
  verificationUrl: string;
  keysUrl: string;
}

const PAGE = { width: 595.28, height: 841.89 }; // A4 in points
const LEFT = 56;
const WIDTH = PAGE.width - 2 * LEFT;
const LABEL_WIDTH = 150;
const QR_SIZE = 170;
const INK = '#111111';
const MUTED = '#555555';
const RULE = '#9a9a9a';
const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The standard PDF fonts encode WinAnsi only: any other character would print as garbage, so it
 * loses its accent (ŋ has none to lose and becomes ?). Names in Mali are in Latin script.
 */
const WIN_ANSI_EXTRA = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013,
  0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x017e, 0x0178,
]);
const printable = (c: string) => {
  const code = c.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code);
};
export function winAnsi(text: string): string {
  return [...text.normalize('NFC')]
    .map((c) => (printable(c) ? c : [...c.normalize('NFD')].filter(printable).join('') || (/\s/.test(c) ? ' ' : '?')))
    .join('');
}

const frDate = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
const enDate = (d: string) => `${Number(d.slice(8, 10))} ${MONTHS[Number(d.slice(5, 7)) - 1]} ${d.slice(0, 4)}`;

function country(alpha3: string | null): { fr: string; en: string } {
  if (!alpha3) return { fr: 'inconnue', en: 'unknown' };
  const alpha2 = countries.alpha3ToAlpha2(alpha3);
  const name = (locale: string) => (alpha2 && new Intl.DisplayNames([locale], { type: 'region' }).of(alpha2)) || alpha3;
  return { fr: `${name('fr')} (${alpha3})`, en: `${name('en')} (${alpha3})` };
}

function birth(h: LetterHolder): { fr: string; en: string } {
  if (h.dateOfBirth && h.birthDateEstimated) return { fr: `${frDate(h.dateOfBirth)} (estimée)`, en: `${enDate(h.dateOfBirth)} (estimated)` };
  if (h.dateOfBirth) return { fr: frDate(h.dateOfBirth), en: enDate(h.dateOfBirth) };
  if (h.birthYear) return { fr: `vers ${h.birthYear}`, en: `about ${h.birthYear}` };
  return { fr: 'inconnue', en: 'unknown' };
}

/**
 * The letter as one A4 page (DESIGN §6): French headings with an English line under each, the
 * holder's minimum identity, validity, route, purpose, a signature line, and the QR code of the
 * verification URL drawn as vector squares (sharp at any print size). Every text box has a
 * fixed height and is cut with an ellipsis, so no input can push it onto a second page.
 */
export async function renderLetterPdf(d: LetterDocument): Promise<Buffer> {
  // Loaded on the first letter, not at start: pdfkit and qrcode hold ~25 MB an API that prints
  // no letter does not need (issue 12, resident memory).
  const [{ default: PDFDocument }, { default: QRCode }] = await Promise.all([import('pdfkit'), import('qrcode')]);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    bufferPages: true,
    lang: 'fr-ML',
    info: {
      Title: `Lettre d'indulgence ${d.serialNumber}`,
      Subject: 'Lettre d’indulgence / Letter of indulgence',
      Author: winAnsi(d.issuer.name),
      Creator: 'Passerelle',
      Producer: 'Passerelle',
      CreationDate: d.issuedAt,
      ModDate: d.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const text = (value: string, x: number, y: number, o: { font?: string; size?: number; color?: string; width?: number; height?: number; align?: 'left' | 'center' | 'right' } = {}) => {
    doc
      .font(o.font ?? FONT.regular)
      .fontSize(o.size ?? 10)
      .fillColor(o.color ?? INK)
      .text(winAnsi(value), x, y, { width: o.width ?? WIDTH, height: o.height ?? (o.size ?? 10) * 1.3, ellipsis: true, align: o.align ?? 'left', lineGap: 1 });
  };
  /** A French heading with its English line under it; returns where the content starts. */
  const heading = (fr: string, en: string, y: number, width = WIDTH) => {
    text(fr.toUpperCase(), LEFT, y, { font: FONT.bold, size: 10.5, width });
    text(en, LEFT, y + 13, { font: FONT.italic, size: 8, color: MUTED, width });
    doc.moveTo(LEFT, y + 24).lineTo(LEFT + width, y + 24).lineWidth(0.5).strokeColor(RULE).stroke();
    return y + 29;
  };
  /** A labelled value: French label, English label under it; the value in both languages when it differs. */
  const field = (fr: string, en: string, value: { fr: string; en?: string }, y: number, width = WIDTH, lines = 1) => {
    text(fr, LEFT, y, { font: FONT.bold, size: 9.5, width: LABEL_WIDTH });
    text(en, LEFT, y + 11, { font: FONT.italic, size: 8, color: MUTED, width: LABEL_WIDTH });
    const valueWidth = width - LABEL_WIDTH;
    const english = value.en !== undefined && value.en !== value.fr;
    text(value.fr, LEFT + LABEL_WIDTH, y, { size: 10.5, width: valueWidth, height: 13 * lines });
    if (english) text(value.en!, LEFT + LABEL_WIDTH, y + 13 * lines, { font: FONT.italic, size: 8.5, color: MUTED, width: valueWidth });
    return y + Math.max(23, 13 * lines + (english ? 11 : 0)) + 5;
  };

  // Issuer and serial
  text(d.issuer.name, LEFT, 40, { font: FONT.bold, size: 13, width: WIDTH - 190 });
  text(d.issuer.code, LEFT, 57, { size: 9, color: MUTED, width: WIDTH - 190 });
  text('N° / No.', PAGE.width - LEFT - 190, 40, { size: 8.5, color: MUTED, width: 190, align: 'right' });
  text(d.serialNumber, PAGE.width - LEFT - 190, 52, { font: FONT.bold, size: 12, width: 190, align: 'right' });
  doc.moveTo(LEFT, 74).lineTo(LEFT + WIDTH, 74).lineWidth(1.2).strokeColor(INK).stroke();

  // Title and request
  text("LETTRE D'INDULGENCE", LEFT, 88, { font: FONT.bold, size: 20, align: 'center' });
  text('Letter of indulgence', LEFT, 112, { font: FONT.italic, size: 11, color: MUTED, align: 'center' });
  text(
    `Les autorités civiles et militaires sont priées de bien vouloir laisser passer le titulaire de la présente lettre sur l'itinéraire indiqué, pendant sa période de validité, et de lui prêter assistance en cas de besoin. ${d.issuer.name} se tient à leur disposition pour toute vérification.`,
    LEFT,
    136,
    { size: 9, height: 36 },
  );
  text(
    'Civil and military authorities are kindly requested to let the holder of this letter pass along the route shown during its validity, and to assist them if needed. The issuer remains available for any verification.',
    LEFT,
    172,
    { font: FONT.italic, size: 8, color: MUTED, height: 22 },
  );

  // Holder
  let y = heading('Titulaire', 'Holder', 204);
  y = field('Nom complet', 'Full name', { fr: d.holder.fullName }, y);
  y = field('Nationalité', 'Nationality', country(d.holder.nationality), y);
  y = field('Date de naissance', 'Date of birth', birth(d.holder), y);

  // Validity
  y = heading('Validité', 'Validity', y + 2);
  y = field('Valable du … au …', 'Valid from … to …', { fr: `du ${frDate(d.validFrom)} au ${frDate(d.validUntil)} inclus`, en: `from ${enDate(d.validFrom)} to ${enDate(d.validUntil)} inclusive` }, y);

  // Route and purpose, beside the QR code
  const narrow = WIDTH - QR_SIZE - 16;
  const qrY = y + 2;
  y = heading('Itinéraire autorisé', 'Authorised route', qrY, narrow);
  y = field('De / à', 'From / to', { fr: `${d.route.from} – ${d.route.to}` }, y, narrow);
  y = field('Via (points de contrôle)', 'Via (checkpoints)', { fr: d.route.via.length ? d.route.via.join(', ') : '—' }, y, narrow, 3);
  y = heading('Objet', 'Purpose', y + 2, narrow);
  y = field('Motif du déplacement', 'Reason for travel', { fr: d.purpose }, y, narrow, 4);

  // QR code: the verification URL, squares merged into runs per row
  const qr = QRCode.create(d.verificationUrl, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const module = QR_SIZE / (n + 8); // 4 modules of quiet zone on each side
  const qrX = PAGE.width - LEFT - QR_SIZE;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.modules.get(row, col)) col++;
      doc.rect(qrX + (start + 4) * module, qrY + (row + 4) * module, (col - start) * module, module);
    }
  }
  doc.fill(INK);
  text('Vérifier : scanner le code', qrX, qrY + QR_SIZE, { font: FONT.bold, size: 8, width: QR_SIZE, align: 'center' });
  text('Verify: scan the code', qrX, qrY + QR_SIZE + 10, { font: FONT.italic, size: 7.5, color: MUTED, width: QR_SIZE, align: 'center' });

  // Verification
  y = heading('Vérification', 'Verification', Math.max(y, qrY + QR_SIZE + 22) + 2);
  text(
    `Le code QR porte la signature électronique (Ed25519) de cette lettre : scanné, il dit si elle est valide, expirée, révoquée ou remplacée, avec le nom et la nationalité du titulaire, qui doivent être ceux de cette page. Sans connexion, une application de contrôle vérifie la signature avec les clés publiques publiées à ${d.keysUrl}.`,
    LEFT,
    y,
    { size: 8.5, height: 33 },
  );
  text(
    'The QR code carries this letter’s electronic signature (Ed25519): scanned, it tells whether the letter is valid, expired, revoked or superseded, with the holder’s name and nationality, which must match this page. Offline, a checking app verifies the signature with the published public keys.',
    LEFT,
    y + 33,
    { font: FONT.italic, size: 7.5, color: MUTED, height: 27 },
  );

  // Issuance and signature
  y = heading('Délivrance', 'Issuance', y + 62);
  const by = d.issuedBy ? ` par ${d.issuedBy}` : '';
  const byEn = d.issuedBy ? ` by ${d.issuedBy}` : '';
  const on = d.issuedAt.toISOString().slice(0, 10);
  const issuedWidth = WIDTH * 0.55;
  text(`Délivrée le ${frDate(on)}${by}, pour ${d.issuer.name}.`, LEFT, y, { size: 9.5, width: issuedWidth, height: 25 });
  text(`Issued on ${enDate(on)}${byEn}, for ${d.issuer.name}.`, LEFT, y + 25, { font: FONT.italic, size: 8, color: MUTED, width: issuedWidth, height: 20 });
  const signX = LEFT + issuedWidth + 20;
  const signWidth = WIDTH - issuedWidth - 20;
  doc.moveTo(signX, y + 64).lineTo(signX + signWidth, y + 64).lineWidth(0.8).strokeColor(INK).stroke();
  text('Signature et cachet', signX, y + 67, { font: FONT.bold, size: 9, width: signWidth, align: 'center' });
  text('Signature and stamp', signX, y + 78, { font: FONT.italic, size: 8, color: MUTED, width: signWidth, align: 'center' });

  // Footer
  doc.moveTo(LEFT, 806).lineTo(LEFT + WIDTH, 806).lineWidth(0.5).strokeColor(RULE).stroke();
  text('Ce document ne porte que les informations nécessaires au contrôle. / This document carries only what a checkpoint needs.', LEFT, 810, { size: 7, color: MUTED, align: 'center' });
  text(`${d.serialNumber} · Passerelle`, LEFT, 820, { size: 7, color: MUTED, align: 'center' });

  // The layout is fixed-size; a second page would be a bug in it, not a letter to print.
  if (doc.bufferedPageRange().count !== 1) throw new Error('the letter does not fit on one page');
  doc.end();
  return done;
}
