import { Worker } from 'node:worker_threads';

export interface ReadPdf {
  pages: number;
  /** The text of page 1, as pdf.js extracts it. */
  text: string;
  /** What a QR reader finds on page 1 rendered as an image, or null. */
  qr: string | null;
  /** Page 1 rendered as PNG. */
  png: Buffer;
}

/** Reads a PDF as a viewer would: pdf.js parses it, renders page 1 to pixels (`scale` px per point), jsQR scans them. */
export function readPdf(bytes: Buffer, scale = 3): Promise<ReadPdf> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./read-pdf.worker.mjs', import.meta.url), { workerData: { bytes, scale } });
    worker.once('message', (r: ReadPdf) => resolve({ ...r, png: Buffer.from(r.png) }));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`read-pdf worker exited with ${code}`)));
  });
}
