// The raw baseline (issue 12): a bare node:http server with pg answering GET /cases/{id} with
// the SQL the API issues for the same actor (its CASL scope, inlined for that actor) and the
// JSON of the API's toCaseResponse (apps/api/src/cases/case.dto.ts), ETag included. No
// framework, no token, no ability, no audit: the best this machine does for one point read.
// GET /cases-audited/{id} adds the API's read-audit INSERT (one more round trip), to show what
// the audit alone costs.
//
// env: DATABASE_URL, PORT, BASELINE_ACTOR (JSON {userId, organizationId, siteIds}),
//      DATA_ENCRYPTION_KEY, DB_POOL_SIZE (default 10, the API's default)
import http from 'node:http';
import pg from 'pg';

const { FieldCipher } = await import(new URL('../dist/libs/common/src/crypto/field-cipher.js', import.meta.url).href);
pg.types.setTypeParser(1082, (v) => v); // date columns stay 'YYYY-MM-DD', as TypeORM returns them

const actor = JSON.parse(process.env.BASELINE_ACTOR);
const cipher = new FieldCipher(process.env.DATA_ENCRYPTION_KEY);
const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10), application_name: 'bench-baseline' });

// The API's getVisible() for a caseworker, as it sends it (captured with auto_explain), prepared
// once a connection like the API's (named statements, issue 12): the
// CASL rules (case.rules.ts) turned into SQL by scopeWhere, the Case entity's select list, the id.
// Since issue 6 the scope has a third branch (the case shared by a live referral: a probe of
// case_shares), written last (scopeWhere puts subqueries after column tests), and the entity two
// virtual columns (the live shares), which the API selects on every read.
const sites = actor.siteIds.map((_, i) => `$${i + 4}`).join(', ');
const n = actor.siteIds.length;
const SELECT_CASE = `SELECT "c"."id" AS "c_id", "c"."case_number" AS "c_case_number", "c"."owning_organization_id" AS "c_owning_organization_id", "c"."site_id" AS "c_site_id", "c"."status" AS "c_status", "c"."closure_reason" AS "c_closure_reason", "c"."closed_at" AS "c_closed_at", "c"."version" AS "c_version", "c"."assigned_to" AS "c_assigned_to", "c"."household_id" AS "c_household_id", "c"."registered_at" AS "c_registered_at", "c"."anonymized_at" AS "c_anonymized_at", "c"."given_name" AS "c_given_name", "c"."family_name" AS "c_family_name", "c"."other_names" AS "c_other_names", "c"."sex" AS "c_sex", "c"."date_of_birth" AS "c_date_of_birth", "c"."birth_year" AS "c_birth_year", "c"."birth_date_estimated" AS "c_birth_date_estimated", "c"."nationality" AS "c_nationality", "c"."languages" AS "c_languages", "c"."contact" AS "c_contact", "c"."documents" AS "c_documents", "c"."journey" AS "c_journey", "c"."migrant_category" AS "c_migrant_category", "c"."vulnerabilities" AS "c_vulnerabilities", "c"."vulnerability_flags" AS "c_vulnerability_flags", "c"."household" AS "c_household", "c"."created_at" AS "c_created_at", "c"."updated_at" AS "c_updated_at", "c"."created_by" AS "c_created_by", "c"."updated_by" AS "c_updated_by", (ARRAY(SELECT DISTINCT s.organization_id::text FROM case_shares s WHERE s.case_id = "c".id)) AS "c_shared_with", (ARRAY(SELECT DISTINCT s.organization_id::text || ':' || x FROM case_shares s CROSS JOIN LATERAL unnest(s.sections) x WHERE s.case_id = "c".id)) AS "c_shared_sections" FROM "cases" "c" WHERE (("c"."owning_organization_id" = $1 AND "c"."assigned_to" = $2) OR ("c"."owning_organization_id" = $3 AND "c"."site_id" IN (${sites})) OR EXISTS (SELECT 1 FROM case_shares s WHERE s.case_id = "c"."id" AND s.organization_id = $${n + 4})) AND "c"."id" = $${n + 5}`;
const SELECT_SENSITIVE = 'SELECT sensitive_ciphertext, sensitive_key_id FROM cases WHERE id = $1';
const AUDIT = `INSERT INTO audit_events (id, txid, at, organization_id, actor_user_id, actor_organization_id, action, entity_type, entity_id, changes, details, request_id, ip)
       VALUES (gen_random_uuid(), pg_current_xact_id()::text::bigint, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;

function toCaseResponse(r, sensitiveReadable, sensitive) {
  // The actor's own organization's case: every section but `sensitive` (unless assigned), in the key order of case.dto.ts.
  return {
    id: r.c_id,
    caseNumber: r.c_case_number,
    status: r.c_status,
    owningOrganizationId: r.c_owning_organization_id,
    registeredAt: r.c_registered_at.toISOString(),
    ...(r.c_anonymized_at ? { anonymizedAt: r.c_anonymized_at.toISOString() } : {}),
    closureReason: r.c_closure_reason,
    version: r.c_version,
    siteId: r.c_site_id,
    assignedTo: r.c_assigned_to,
    updatedAt: r.c_updated_at.toISOString(),
    identity: {
      givenName: r.c_given_name,
      familyName: r.c_family_name,
      otherNames: r.c_other_names,
      sex: r.c_sex,
      dateOfBirth: r.c_date_of_birth ?? undefined,
      birthYear: r.c_birth_year ?? undefined,
      birthDateEstimated: r.c_birth_date_estimated,
      nationality: r.c_nationality ?? undefined,
      languages: r.c_languages,
    },
    contact: r.c_contact,
    documents: r.c_documents,
    journey: r.c_journey,
    migrantCategory: r.c_migrant_category ?? null,
    vulnerabilities: r.c_vulnerabilities,
    ...(sensitiveReadable ? { sensitive: sensitive ?? null } : {}),
    household: r.c_household,
    householdId: r.c_household_id,
  };
}

async function getCase(id, audited) {
  const { rows } = await db.query({ name: 'select_case', text: SELECT_CASE, values: [actor.organizationId, actor.userId, actor.organizationId, ...actor.siteIds, actor.organizationId, id] });
  const r = rows[0];
  if (!r) return null;
  if (audited) {
    await db.query({ name: 'audit', text: AUDIT, values: [new Date(), r.c_owning_organization_id, actor.userId, actor.organizationId, 'case.viewed', 'Case', r.c_id, null, null, null, '127.0.0.1'] });
  }
  // case.rules.ts: a caseworker reads the sensitive section of the cases assigned to them.
  const readable = r.c_assigned_to === actor.userId;
  let sensitive = null;
  if (readable) {
    const [s] = (await db.query({ name: 'select_sensitive', text: SELECT_SENSITIVE, values: [id] })).rows;
    if (s?.sensitive_ciphertext) sensitive = cipher.decrypt({ keyId: s.sensitive_key_id, data: s.sensitive_ciphertext }, id);
  }
  return toCaseResponse(r, readable, sensitive);
}

const ROUTE = /^\/(cases|cases-audited)\/([0-9a-f-]{36})$/;
const server = http.createServer(async (req, res) => {
  const m = req.method === 'GET' ? ROUTE.exec(req.url) : null;
  if (!m) {
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json; charset=utf-8' }).end('{}');
    return;
  }
  try {
    const body = await getCase(m[2], m[1] === 'cases-audited');
    if (!body) {
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"code":"NOT_FOUND"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', etag: `"${body.version}"` }).end(JSON.stringify(body));
  } catch (e) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(e?.message ?? e) }));
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write(`baseline ready on ${process.env.PORT}\n`));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => {
  server.close(() => db.end().finally(() => process.exit(0)));
  server.closeAllConnections();
});
