/** Controlled vocabularies of reintegration (DESIGN §6, issue 10): one list each for types, validation, CHECKs and OpenAPI. */
export const REINTEGRATION_DIMENSIONS = ['economic', 'social', 'psychosocial'] as const;
export type ReintegrationDimension = (typeof REINTEGRATION_DIMENSIONS)[number];

/**
 * Item types by dimension (DESIGN §6): the business kits delivered in Mali, training, in-kind
 * kits (economic); housing, education, health and documentation referrals (social); counselling
 * and peer groups (psychosocial). The type decides the dimension.
 */
export const ITEM_TYPES_BY_DIMENSION = {
  economic: [
    'livestock_fattening',
    'market_gardening',
    'welding',
    'cutting_and_sewing',
    'carpentry',
    'masonry',
    'petty_trade',
    'other_business',
    'vocational_training',
    'management_training',
    'in_kind_kit',
  ],
  social: ['housing', 'education', 'health_referral', 'documentation'],
  psychosocial: ['counselling', 'peer_group'],
} as const satisfies Record<ReintegrationDimension, readonly string[]>;
export type ReintegrationItemType = (typeof ITEM_TYPES_BY_DIMENSION)[ReintegrationDimension][number];
export const REINTEGRATION_ITEM_TYPES = REINTEGRATION_DIMENSIONS.flatMap((d) => ITEM_TYPES_BY_DIMENSION[d]) as ReintegrationItemType[];

export function dimensionOf(type: ReintegrationItemType): ReintegrationDimension {
  return REINTEGRATION_DIMENSIONS.find((d) => (ITEM_TYPES_BY_DIMENSION[d] as readonly string[]).includes(type))!;
}

export const VISIT_TYPES = ['baseline', 'follow_up', 'final'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

/** The largest budget of one item, in XOF (integer francs): far above any kit (a micro-project ceiling was ≈ 1,968,000 XOF). */
export const MAX_ITEM_BUDGET_XOF = 100_000_000;
