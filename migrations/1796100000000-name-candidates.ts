import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * f_name_candidates: a query word's matches in the vocabulary with their scores, so that name
 * search is one prepared statement. A migration of its own: 1796000000000 had landed. OR REPLACE:
 * databases migrated from the benchmark branch got it from that migration's pre-merge version.
 */
export class NameCandidates1796100000000 implements MigrationInterface {
    name = 'NameCandidates1796100000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // A query word's matches in the vocabulary with their scores. Candidates: trigram-similar,
        // the same Double Metaphone code, or the same initial and an edit distance of at most half
        // the length (near misses; levenshtein_less_equal is cheap C, f_name_match is not); then
        // f_name_match decides, once each. plpgsql: planned once per session. Through the indexes
        // even while the vocabulary is small: a sequential scan evaluates the trigram operator on
        // every word (1.0 ms a word at 197 words, 0.3 ms by the indexes).
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION f_name_candidates(word text) RETURNS TABLE (token text, score real) LANGUAGE plpgsql STABLE PARALLEL SAFE STRICT
            SET enable_seqscan = off
            AS $$
            DECLARE
              dm text := dmetaphone(word);
              alt text := dmetaphone_alt(word);
            BEGIN
              RETURN QUERY
                SELECT c.token, c.score FROM (
                  SELECT v.token, f_name_match(word, v.token) AS score
                  FROM name_vocabulary v
                  WHERE v.token % word OR v.dmetaphone IN (dm, alt) OR v.dmetaphone_alt IN (dm, alt)
                     OR (left(v.token, 1) = left(word, 1) AND length(v.token) BETWEEN length(word) / 2 AND length(word) * 2
                         AND levenshtein_less_equal(v.token, word, length(word)) * 2 <= greatest(length(v.token), length(word)))
                  OFFSET 0) c
                WHERE c.score IS NOT NULL;
            END $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION f_name_candidates(text)`);
    }
}
