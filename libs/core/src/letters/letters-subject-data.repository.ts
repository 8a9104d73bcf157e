import type { SubjectDataHandler } from '../data-protection/index.js';

/**
 * Letters of indulgence of a person (issue 11). Anonymization keeps the register (serial, issuer,
 * status, validity) and removes the holder snapshot, the purpose, the route and the revocation's
 * reason; the signed token (whose payload names the holder) gives way to its SHA-256, so a printed
 * QR code still checks — with its state and no holder (LettersService.verify, tokenDigest).
 */
export const lettersSubjectData: SubjectDataHandler = {
  name: 'letters',
  tables: ['letters'],
  async anonymize(em, caseIds) {
    await em.query(
      `UPDATE letters SET holder = NULL, purpose = '', route = '{"from": "", "to": "", "via": []}'::jsonb,
         revoke_reason = CASE WHEN revoke_reason IS NULL THEN NULL ELSE '' END,
         verification_token = 'sha256:' || encode(sha256(convert_to(verification_token, 'UTF8')), 'hex')
       WHERE case_id = ANY($1::uuid[]) AND verification_token NOT LIKE 'sha256:%'`,
      [caseIds],
    );
  },
  async export(em, caseId) {
    return em.query(
      `SELECT l.id, l.serial_number AS "serialNumber", l.status, l.issuing_organization_id AS "issuingOrganizationId", o.code AS "issuingOrganizationCode",
              l.valid_from::text AS "validFrom", l.valid_until::text AS "validUntil", l.purpose, l.route, l.holder,
              l.superseded_at AS "supersededAt", l.revoked_at AS "revokedAt", l.revoke_reason AS "revokeReason",
              l.created_at AS "issuedAt", l.created_by AS "issuedBy"
       FROM letters l JOIN organizations o ON o.id = l.issuing_organization_id WHERE l.case_id = $1 ORDER BY l.created_at, l.id`,
      [caseId],
    );
  },
};
