import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Name search by word (issue 12). One trigram similarity of the whole query against all names
 * missed spelling variants (Mamoutu Coulibaly → Mamoutou Kulibali), apostrophes (Fode Ndiaye →
 * Fodé N'Diaye) and short words (Pate Sow → Pathé Sow), and took 590 ms p95 at 1,000,000 cases.
 *
 * Names and queries are normalized alike (f_name_normalize: lower case, unaccented, apostrophes
 * dropped, any other run of punctuation a space) and split into words. `name_vocabulary` holds
 * every distinct word once with its Double Metaphone codes; f_name_match scores how well a query
 * word matches a vocabulary word. Each case keeps, GIN-indexed, its words and every pair of them
 * (`name_keys`, f_name_keys): a combination of matched words is looked up by its pairs, whose
 * posting lists are as short as the answer (Mamadou ∧ Coulibaly: 1,300 cases, not 64,000 + 40,000).
 * CasesService.list ranks the combinations and reads the cases of the best ones first.
 */
export class NameSearchTokens1796000000000 implements MigrationInterface {
    name = 'NameSearchTokens1796000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // The backfill rewrites every case: minutes at 1,000,000, past the pool's 30 s statement
        // timeout (a guard for requests). SET LOCAL: this migration's transaction only.
        await queryRunner.query(`SET LOCAL statement_timeout = 0`);
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS fuzzystrmatch`);
        // Apostrophes join (N'Diaye = Ndiaye), every other run of non-alphanumerics separates (Jean-Baptiste).
        await queryRunner.query(`
            CREATE FUNCTION f_name_normalize(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS $$ SELECT btrim(regexp_replace(regexp_replace(lower(f_unaccent($1)), '[''’‘ʼ\`´]', '', 'g'), '[^[:alnum:]]+', ' ', 'g')) $$`);
        await queryRunner.query(`
            CREATE FUNCTION f_name_tokens(text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS $$ SELECT string_to_array(f_name_normalize($1), ' ') $$`);
        await queryRunner.query(`
            CREATE FUNCTION f_case_search_name(given text, family text, other text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT f_name_normalize(concat_ws(' ', given, family, array_to_string(other, ' '))) $$`);
        // The words and the pairs of distinct words ('a b', a < b), sorted; byte order, so that
        // the keys do not depend on the database's collation.
        await queryRunner.query(`
            CREATE FUNCTION f_name_keys(tokens text[]) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS $$
              SELECT ARRAY(
                SELECT k FROM (
                  SELECT t COLLATE "C" AS k FROM unnest(tokens) t
                  UNION
                  SELECT a COLLATE "C" || ' ' || b FROM unnest(tokens) a, unnest(tokens) b WHERE a COLLATE "C" < b COLLATE "C"
                ) x ORDER BY k COLLATE "C")
            $$`);
        // What a combination of words is looked up by: the pairs of its distinct words (order and
        // repeats do not matter to @>), or its one word. plpgsql loops: no query per call.
        await queryRunner.query(`
            CREATE FUNCTION f_name_query_keys(tokens text[]) RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
            AS $$
            DECLARE
              keys text[] := '{}';
            BEGIN
              FOR i IN 1 .. coalesce(cardinality(tokens), 0) LOOP
                FOR j IN i + 1 .. cardinality(tokens) LOOP
                  IF tokens[i] COLLATE "C" < tokens[j] COLLATE "C" THEN
                    keys := keys || (tokens[i] || ' ' || tokens[j]);
                  ELSIF tokens[i] COLLATE "C" > tokens[j] COLLATE "C" THEN
                    keys := keys || (tokens[j] || ' ' || tokens[i]);
                  END IF;
                END LOOP;
              END LOOP;
              RETURN CASE WHEN cardinality(keys) = 0 THEN tokens[1:1] ELSE keys END;
            END $$`);
        // How well query word q matches name word t. 1: the same word. [0.5, 1): a match — a typo
        // (edit distance 1; 2 in words of 6 letters or more), a phonetic variant not too far in
        // spelling (Double Metaphone; distance at most half the length: Kulibali ~ Coulibaly,
        // Mamoutu ~ Mamoutou, not Sadio ~ Seydou) or trigram-similar (≥ 0.5): the larger of
        // 1 - distance/length and the similarity, + 0.1 when phonetic. (0, 0.5): a near miss —
        // same initial, distance at most half the length (Touré for Traoré): a query of several
        // words tolerates one. NULL: no match. plpgsql, so its plan is cached per session.
        await queryRunner.query(`
            CREATE FUNCTION f_name_match(q text, t text) RETURNS real LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
            AS $$
            DECLARE
              lev int;
              shortest int;
              longest int;
              sim real;
              phonetic boolean;
            BEGIN
              IF q = t THEN RETURN 1; END IF;
              IF length(q) > 64 OR length(t) > 64 THEN RETURN NULL; END IF;
              lev := levenshtein(q, t);
              shortest := least(length(q), length(t));
              longest := greatest(length(q), length(t));
              sim := similarity(q, t);
              phonetic := dmetaphone(q) <> '' AND (dmetaphone(q) IN (dmetaphone(t), dmetaphone_alt(t)) OR dmetaphone_alt(q) IN (dmetaphone(t), dmetaphone_alt(t)));
              IF (lev <= 1 AND shortest >= 3) OR (lev <= 2 AND shortest >= 6) OR (phonetic AND lev * 2 <= longest) OR sim >= 0.5 THEN
                RETURN least(0.99, greatest(1 - lev::real / longest, sim) + CASE WHEN phonetic THEN 0.1 ELSE 0 END);
              END IF;
              IF left(q, 1) = left(t, 1) AND shortest >= 3 AND lev * 2 <= longest THEN
                RETURN 0.5 * (1 - lev::real / longest);
              END IF;
              RETURN NULL;
            END $$`);
        await queryRunner.query(`
            CREATE TABLE "name_vocabulary" (
                "token" text PRIMARY KEY,
                "dmetaphone" text NOT NULL,
                "dmetaphone_alt" text NOT NULL
            )`);
        // A query word's candidates: trigram-similar, the same Double Metaphone code, or the same
        // initial and a comparable length (near misses); f_name_match decides.
        await queryRunner.query(`CREATE INDEX "name_vocabulary_trgm_idx" ON "name_vocabulary" USING gin ("token" gin_trgm_ops)`);
        await queryRunner.query(`CREATE INDEX "name_vocabulary_dmetaphone_idx" ON "name_vocabulary" ("dmetaphone")`);
        await queryRunner.query(`CREATE INDEX "name_vocabulary_dmetaphone_alt_idx" ON "name_vocabulary" ("dmetaphone_alt")`);
        await queryRunner.query(`CREATE INDEX "name_vocabulary_initial_idx" ON "name_vocabulary" (left("token", 1), length("token"))`);
        await queryRunner.query(`ALTER TABLE "cases" ADD "name_keys" text array NOT NULL DEFAULT '{}'`);
        // Every write path (the API; COPY with the trigger on) keeps the keys and the vocabulary right.
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION cases_search_name() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              NEW.search_name := f_case_search_name(NEW.given_name, NEW.family_name, NEW.other_names);
              NEW.name_keys := f_name_keys(string_to_array(NEW.search_name, ' '));
              INSERT INTO name_vocabulary (token, dmetaphone, dmetaphone_alt)
              SELECT t, dmetaphone(t), dmetaphone_alt(t) FROM unnest(string_to_array(NEW.search_name, ' ')) t
              ON CONFLICT (token) DO NOTHING;
              RETURN NEW;
            END $$`);
        await queryRunner.query(`
            UPDATE cases SET (search_name, name_keys) = (
              SELECT s, f_name_keys(string_to_array(s, ' ')) FROM f_case_search_name(given_name, family_name, other_names) s)`);
        await queryRunner.query(`
            INSERT INTO name_vocabulary (token, dmetaphone, dmetaphone_alt)
            SELECT t, dmetaphone(t), dmetaphone_alt(t) FROM (SELECT DISTINCT unnest(string_to_array(search_name, ' ')) AS t FROM cases) w
            ON CONFLICT (token) DO NOTHING`);
        await queryRunner.query(`CREATE INDEX "cases_name_keys_idx" ON "cases" USING gin ("name_keys")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET LOCAL statement_timeout = 0`);
        await queryRunner.query(`DROP INDEX "cases_name_keys_idx"`);
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION cases_search_name() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              NEW.search_name := lower(f_unaccent(concat_ws(' ', NEW.given_name, NEW.family_name, NULLIF(array_to_string(NEW.other_names, ' '), ''))));
              RETURN NEW;
            END $$`);
        await queryRunner.query(`UPDATE cases SET search_name = lower(f_unaccent(concat_ws(' ', given_name, family_name, NULLIF(array_to_string(other_names, ' '), ''))))`);
        await queryRunner.query(`ALTER TABLE "cases" DROP COLUMN "name_keys"`);
        await queryRunner.query(`DROP TABLE "name_vocabulary"`);
        await queryRunner.query(`DROP FUNCTION f_name_match(text, text)`);
        await queryRunner.query(`DROP FUNCTION f_name_query_keys(text[])`);
        await queryRunner.query(`DROP FUNCTION f_name_keys(text[])`);
        await queryRunner.query(`DROP FUNCTION f_case_search_name(text, text, text[])`);
        await queryRunner.query(`DROP FUNCTION f_name_tokens(text)`);
        await queryRunner.query(`DROP FUNCTION f_name_normalize(text)`);
        await queryRunner.query(`DROP EXTENSION IF EXISTS fuzzystrmatch`);
    }
}
