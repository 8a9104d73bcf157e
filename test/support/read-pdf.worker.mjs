// Reads a PDF as a viewer and a phone would: pdf.js parses it and renders page 1, jsQR scans the
// pixels. Runs in a worker thread, outside jest's VM context, where jsQR is about 6× slower.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createCanvas } from '@napi-rs/canvas';
import jsQR from 'jsqr';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const require = createRequire(import.meta.url);
/** pdf.js draws the 14 standard fonts from these files (else it warns and guesses). */
const standardFontDataUrl = `${join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

const { bytes, scale } = workerData;
const doc = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl, verbosity: 0, isEvalSupported: false }).promise;
try {
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  const text = content.items.map((i) => i.str ?? '').join(' ').replace(/\s+/g, ' ');
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvas, canvasContext: ctx, viewport }).promise;
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const qr = jsQR(image.data, image.width, image.height);
  parentPort.postMessage({ pages: doc.numPages, text, qr: qr?.data ?? null, png: await canvas.encode('png') });
} finally {
  await doc.destroy();
}
