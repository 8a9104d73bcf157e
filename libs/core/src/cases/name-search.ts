/**
 * The name search's SQL (DESIGN §3, issue 12; functions and keys in migration 1796000000000).
 *
 * 1. The query's words (f_name_tokens, as the names were normalized; at most 6).
 * 2. Each word's matches in `name_vocabulary`, scored by f_name_match; the best few per word
 *    (their combinations stay a few hundred).
 * 3. The combinations of one match per word: every word must match, or all but one when the
 *    query has several words and that one is a near miss (Touré for Traoré). Ranked by their
 *    weakest match, then by the sum: a result is as good as its worst-matched word.
 * 4. For the combinations in rank order, the visible cases holding their keys (`:case` — the
 *    caller's scoped, filtered query of case ids, joined laterally, limited), each case under its
 *    best combination only; the outer LIMIT stops at the first `limit` cases, so the cases of
 *    worse combinations are never read. Among cases of one combination the order is unspecified.
 *
 * Parameters: :nameQuery (text), :nameLimit (int). The case query refers to `k.keys`, `k.rank`.
 */
export const MAX_QUERY_WORDS = 6;

export const nameSearchSql = (caseQuery: string): string => `
WITH RECURSIVE words AS (
  SELECT w.word, w.i::int AS i, count(*) OVER () AS n
  FROM unnest(f_name_tokens(:nameQuery)) WITH ORDINALITY AS w(word, i)
  WHERE w.i <= ${MAX_QUERY_WORDS}
),
matches AS (
  SELECT m.i, m.token, m.score FROM (
    SELECT words.i, words.n, v.token, s.score, row_number() OVER (PARTITION BY words.i ORDER BY s.score DESC, v.token) AS nth
    FROM words
    JOIN name_vocabulary v ON (
      v.token % words.word
      OR v.dmetaphone IN (dmetaphone(words.word), dmetaphone_alt(words.word))
      OR v.dmetaphone_alt IN (dmetaphone(words.word), dmetaphone_alt(words.word))
      OR (left(v.token, 1) = left(words.word, 1) AND length(v.token) BETWEEN length(words.word) / 2 AND length(words.word) * 2))
    CROSS JOIN LATERAL (SELECT f_name_match(words.word, v.token) AS score) s
    WHERE s.score IS NOT NULL AND (words.n > 1 OR s.score >= 0.5)
  ) m
  WHERE m.nth <= greatest(3, floor(power(400, 1.0 / m.n)))
),
combinations (i, tokens, worst, total, misses) AS (
  SELECT 1, ARRAY[m.token], m.score, m.score, (m.score < 0.5)::int FROM matches m WHERE m.i = 1
  UNION ALL
  SELECT m.i, k.tokens || m.token, least(k.worst, m.score), k.total + m.score, k.misses + (m.score < 0.5)::int
  FROM combinations k JOIN matches m ON m.i = k.i + 1
  WHERE k.misses + (m.score < 0.5)::int <= 1
),
name_search_ranked AS MATERIALIZED (
  SELECT f_name_query_keys(k.tokens) AS keys, row_number() OVER (ORDER BY k.worst DESC, k.total DESC, k.tokens) AS rank
  FROM combinations k
  WHERE k.i = (SELECT max(i) FROM words)
)
SELECT hit.id, k.rank
FROM (SELECT * FROM name_search_ranked ORDER BY rank) k
CROSS JOIN LATERAL (${caseQuery}) hit
ORDER BY k.rank
LIMIT :nameLimit`;

/** The case query's condition: the combination's keys, and no better combination holds the case. */
export const NAME_SEARCH_CASE_CONDITION =
  'c.name_keys @> k.keys AND NOT EXISTS (SELECT 1 FROM name_search_ranked k2 WHERE k2.rank < k.rank AND c.name_keys @> k2.keys)';
