import { verifyLetterCommand } from '@passerelle/core/letters';

// `npm run verify-letter -- <token-or-url> [--jwks file]`: the offline check of a letter's QR code (issue 8).
process.exitCode = await verifyLetterCommand(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  now: new Date(),
});
