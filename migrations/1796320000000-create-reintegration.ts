import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scheme shipped with the product: the RSS structure with equal weights, NOT IOM's official
 * table (issue 10). A copy, so that this migration replays unchanged; a unit test keeps it equal
 * to RSS_STRUCTURE_DEMO in libs/core/src/reintegration/rss-structure-demo.ts.
 */
export const RSS_STRUCTURE_DEMO_V1 = {
  "name": "rss-structure-demo",
  "version": 1,
  "official": false,
  "source": "NOT IOM OFFICIAL WEIGHTS. Indicator themes: the RSS question themes of shared/reference/domain-notes.md §2.5 (reconstructed from memory, unverified). Answer scales and scores: linear placeholders (0 to 1, higher = more sustainable). Weights: equal within each dimension; each dimension one third of the composite. IOM’s official weights (Reintegration Handbook 2019, Annex 4) were not available; load them as a new scheme when obtained.",
  "description": "The structure of the Reintegration Sustainability Survey (economic, social, psychosocial) with neutral equal weights, for demonstration and for recording answers until the official table is loaded.",
  "scales": {
    "satisfaction5": [
      {
        "code": "very_dissatisfied",
        "label": "Very dissatisfied"
      },
      {
        "code": "dissatisfied",
        "label": "Dissatisfied"
      },
      {
        "code": "neutral",
        "label": "Neutral"
      },
      {
        "code": "satisfied",
        "label": "Satisfied"
      },
      {
        "code": "very_satisfied",
        "label": "Very satisfied"
      }
    ],
    "frequency5": [
      {
        "code": "never",
        "label": "Never"
      },
      {
        "code": "rarely",
        "label": "Rarely"
      },
      {
        "code": "sometimes",
        "label": "Sometimes"
      },
      {
        "code": "often",
        "label": "Often"
      },
      {
        "code": "very_often",
        "label": "Very often"
      }
    ],
    "quality5": [
      {
        "code": "very_poor",
        "label": "Very poor"
      },
      {
        "code": "poor",
        "label": "Poor"
      },
      {
        "code": "fair",
        "label": "Fair"
      },
      {
        "code": "good",
        "label": "Good"
      },
      {
        "code": "very_good",
        "label": "Very good"
      }
    ],
    "agreement5": [
      {
        "code": "strongly_disagree",
        "label": "Strongly disagree"
      },
      {
        "code": "disagree",
        "label": "Disagree"
      },
      {
        "code": "neutral",
        "label": "Neutral"
      },
      {
        "code": "agree",
        "label": "Agree"
      },
      {
        "code": "strongly_agree",
        "label": "Strongly agree"
      }
    ],
    "yes_no": [
      {
        "code": "yes",
        "label": "Yes"
      },
      {
        "code": "no",
        "label": "No"
      }
    ],
    "yes_no_na": [
      {
        "code": "yes",
        "label": "Yes"
      },
      {
        "code": "no",
        "label": "No"
      },
      {
        "code": "not_applicable",
        "label": "Not applicable"
      }
    ],
    "debt_level": [
      {
        "code": "no_debt",
        "label": "No debt"
      },
      {
        "code": "less_than_monthly_spending",
        "label": "Less than monthly spending"
      },
      {
        "code": "more_than_monthly_spending",
        "label": "More than monthly spending"
      }
    ]
  },
  "indicators": [
    {
      "code": "economic_satisfaction",
      "dimension": "economic",
      "label": "satisfaction with current economic situation",
      "scale": "satisfaction5",
      "scores": {
        "very_dissatisfied": 0,
        "dissatisfied": 0.25,
        "neutral": 0.5,
        "satisfied": 0.75,
        "very_satisfied": 1
      },
      "weight": 1
    },
    {
      "code": "food_reduced_for_cost",
      "dimension": "economic",
      "label": "how often food quantity/quality is reduced because of cost",
      "scale": "frequency5",
      "scores": {
        "very_often": 0,
        "often": 0.25,
        "sometimes": 0.5,
        "rarely": 0.75,
        "never": 1
      },
      "weight": 1
    },
    {
      "code": "able_to_borrow",
      "dimension": "economic",
      "label": "ability to borrow if needed",
      "scale": "yes_no",
      "scores": {
        "yes": 1,
        "no": 0
      },
      "weight": 1
    },
    {
      "code": "borrowing_frequency",
      "dimension": "economic",
      "label": "frequency of borrowing",
      "scale": "frequency5",
      "scores": {
        "very_often": 0,
        "often": 0.25,
        "sometimes": 0.5,
        "rarely": 0.75,
        "never": 1
      },
      "weight": 1
    },
    {
      "code": "debt_vs_spending",
      "dimension": "economic",
      "label": "debt compared with monthly spending",
      "scale": "debt_level",
      "scores": {
        "no_debt": 1,
        "less_than_monthly_spending": 0.5,
        "more_than_monthly_spending": 0
      },
      "weight": 1
    },
    {
      "code": "access_to_employment_training",
      "dimension": "economic",
      "label": "perceived access to employment/training",
      "scale": "quality5",
      "scores": {
        "very_poor": 0,
        "poor": 0.25,
        "fair": 0.5,
        "good": 0.75,
        "very_good": 1
      },
      "weight": 1
    },
    {
      "code": "currently_working",
      "dimension": "economic",
      "label": "currently working",
      "scale": "yes_no",
      "scores": {
        "yes": 1,
        "no": 0
      },
      "weight": 1
    },
    {
      "code": "owns_productive_assets",
      "dimension": "economic",
      "label": "ownership of productive assets",
      "scale": "yes_no",
      "scores": {
        "yes": 1,
        "no": 0
      },
      "weight": 1
    },
    {
      "code": "looking_for_job",
      "dimension": "economic",
      "label": "currently looking for a job",
      "scale": "yes_no",
      "scores": {
        "yes": 0,
        "no": 1
      },
      "weight": 1
    },
    {
      "code": "access_to_housing",
      "dimension": "social",
      "label": "access to housing",
      "scale": "quality5",
      "scores": {
        "very_poor": 0,
        "poor": 0.25,
        "fair": 0.5,
        "good": 0.75,
        "very_good": 1
      },
      "weight": 1
    },
    {
      "code": "housing_standard",
      "dimension": "social",
      "label": "standard of housing",
      "scale": "quality5",
      "scores": {
        "very_poor": 0,
        "poor": 0.25,
        "fair": 0.5,
        "good": 0.75,
        "very_good": 1
      },
      "weight": 1
    },
    {
      "code": "access_to_education",
      "dimension": "social",
      "label": "access to education",
      "scale": "quality5",
      "scores": {
        "very_poor": 0,
        "poor": 0.25,
        "fair": 0.5,
        "good": 0.75,
        "very_good": 1
      },
      "weight": 1
    },
    {
      "code": "children_enrolled",
      "dimension": "social",
      "label": "school-age children enrolled",
      "scale": "yes_no_na",
      "scores": {
        "yes": 1,
        "no": 0,
        "not_applicable": null
      },
      "weight": 1
    },
    {
      "code": "access_to_justice",
      "dimension": "social",
      "label": "access to justice/law enforcement",
      "scale": "quality5",
      "scores": {
        "very_poor": 0,
        "poor": 0.25,
        "fair": 0.5,
        "good": 0.75,
        "very_good": 1
      },
      "weight": 1
    },
    {
      "code": "has_identity_documents",
      "dimension": "social",
      "label": "possession of identity documents",
      "scale": "yes_no",
      "scores": {
        "yes": 1,
        "no": 0
      },
      "weight": 1
    },
    {
      "code": "access_to_drinking_water",
      "dimension": "social",
      "label": "access to safe drinking water",
      "scale": "quality5",
      "scores": {
        "very_poor": 0,
        "poor": 0.25,
        "fair": 0.5,
        "good": 0.75,
        "very_good": 1
      },
      "weight": 1
    },
    {
      "code": "access_to_health_care",
      "dimension": "social",
      "label": "access to health care",
      "scale": "quality5",
      "scores": {
        "very_poor": 0,
        "poor": 0.25,
        "fair": 0.5,
        "good": 0.75,
        "very_good": 1
      },
      "weight": 1
    },
    {
      "code": "health_care_quality",
      "dimension": "social",
      "label": "quality of health care",
      "scale": "quality5",
      "scores": {
        "very_poor": 0,
        "poor": 0.25,
        "fair": 0.5,
        "good": 0.75,
        "very_good": 1
      },
      "weight": 1
    },
    {
      "code": "social_activities",
      "dimension": "psychosocial",
      "label": "participation in social activities",
      "scale": "frequency5",
      "scores": {
        "never": 0,
        "rarely": 0.25,
        "sometimes": 0.5,
        "often": 0.75,
        "very_often": 1
      },
      "weight": 1
    },
    {
      "code": "support_network",
      "dimension": "psychosocial",
      "label": "strength of support network",
      "scale": "quality5",
      "scores": {
        "very_poor": 0,
        "poor": 0.25,
        "fair": 0.5,
        "good": 0.75,
        "very_good": 1
      },
      "weight": 1
    },
    {
      "code": "sense_of_belonging",
      "dimension": "psychosocial",
      "label": "sense of belonging to the community",
      "scale": "agreement5",
      "scores": {
        "strongly_disagree": 0,
        "disagree": 0.25,
        "neutral": 0.5,
        "agree": 0.75,
        "strongly_agree": 1
      },
      "weight": 1
    },
    {
      "code": "physical_safety",
      "dimension": "psychosocial",
      "label": "feeling of physical safety",
      "scale": "agreement5",
      "scores": {
        "strongly_disagree": 0,
        "disagree": 0.25,
        "neutral": 0.5,
        "agree": 0.75,
        "strongly_agree": 1
      },
      "weight": 1
    },
    {
      "code": "family_tension",
      "dimension": "psychosocial",
      "label": "frequency of family tension/conflict",
      "scale": "frequency5",
      "scores": {
        "very_often": 0,
        "often": 0.25,
        "sometimes": 0.5,
        "rarely": 0.75,
        "never": 1
      },
      "weight": 1
    },
    {
      "code": "discrimination",
      "dimension": "psychosocial",
      "label": "experience of discrimination",
      "scale": "frequency5",
      "scores": {
        "very_often": 0,
        "often": 0.25,
        "sometimes": 0.5,
        "rarely": 0.75,
        "never": 1
      },
      "weight": 1
    },
    {
      "code": "signs_of_distress",
      "dimension": "psychosocial",
      "label": "signs of distress (anger, sadness, fear, stress, isolation, low self-esteem, poor concentration)",
      "scale": "frequency5",
      "scores": {
        "very_often": 0,
        "often": 0.25,
        "sometimes": 0.5,
        "rarely": 0.75,
        "never": 1
      },
      "weight": 1
    },
    {
      "code": "wants_psychological_support",
      "dimension": "psychosocial",
      "label": "wish for specialised psychological support",
      "scale": "yes_no",
      "scores": {
        "yes": 0,
        "no": 1
      },
      "weight": 1
    },
    {
      "code": "able_to_stay",
      "dimension": "psychosocial",
      "label": "feeling able to stay in the country",
      "scale": "agreement5",
      "scores": {
        "strongly_disagree": 0,
        "disagree": 0.25,
        "neutral": 0.5,
        "agree": 0.75,
        "strongly_agree": 1
      },
      "weight": 1
    }
  ],
  "dimensionFormula": "weighted_mean",
  "composite": {
    "formula": "weighted_mean_of_dimensions",
    "weights": {
      "economic": 1,
      "social": 1,
      "psychosocial": 1
    }
  }
};

/**
 * Reintegration (issue 10): versioned scoring schemes (append-only), plans per returnee case
 * with their items, and monitoring visits scored with the scheme of their time.
 */
export class CreateReintegration1796320000000 implements MigrationInterface {
    name = 'CreateReintegration1796320000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "scoring_schemes" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organization_id" uuid,
                "name" text NOT NULL,
                "version" integer NOT NULL,
                "source" text NOT NULL,
                "official" boolean NOT NULL,
                "definition" jsonb NOT NULL,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "scoring_schemes_pkey" PRIMARY KEY ("id")
            )
        `);
        // One (name, version) per owner; the shipped schemes (no owner) count as one owner.
        await queryRunner.query(`
            CREATE UNIQUE INDEX "scoring_schemes_name_version_key" ON "scoring_schemes" ("organization_id", "name", "version") NULLS NOT DISTINCT
        `);
        await queryRunner.query(`
            CREATE INDEX "scoring_schemes_owner_created_idx" ON "scoring_schemes" ("organization_id", "created_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "scoring_schemes"
            ADD CONSTRAINT "scoring_schemes_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        // Versioned, never edited in place: a visit's scheme id means what it meant when it was scored.
        await queryRunner.query(`
            CREATE FUNCTION scoring_schemes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'scoring schemes are never changed: load a new version (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
            END $$`);
        await queryRunner.query(`CREATE TRIGGER scoring_schemes_append_only BEFORE UPDATE OR DELETE ON scoring_schemes FOR EACH ROW EXECUTE FUNCTION scoring_schemes_append_only()`);
        await queryRunner.query(`CREATE TRIGGER scoring_schemes_no_truncate BEFORE TRUNCATE ON scoring_schemes FOR EACH STATEMENT EXECUTE FUNCTION scoring_schemes_append_only()`);
        await queryRunner.query(
            `INSERT INTO scoring_schemes (name, version, source, official, definition) VALUES ($1, $2, $3, $4, $5)`,
            [RSS_STRUCTURE_DEMO_V1.name, RSS_STRUCTURE_DEMO_V1.version, RSS_STRUCTURE_DEMO_V1.source, RSS_STRUCTURE_DEMO_V1.official, JSON.stringify(RSS_STRUCTURE_DEMO_V1)],
        );

        await queryRunner.query(`
            CREATE TABLE "reintegration_plans" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "status" text NOT NULL,
                "summary" text,
                "total_budget_xof" bigint NOT NULL DEFAULT '0',
                "budget_ceiling_xof" bigint,
                "approvals_required" integer,
                "submitted_at" TIMESTAMP WITH TIME ZONE,
                "submitted_by" uuid,
                "first_approved_at" TIMESTAMP WITH TIME ZONE,
                "first_approved_by" uuid,
                "second_approved_at" TIMESTAMP WITH TIME ZONE,
                "second_approved_by" uuid,
                "rejected_at" TIMESTAMP WITH TIME ZONE,
                "rejected_by" uuid,
                "rejection_reason" text,
                "started_at" TIMESTAMP WITH TIME ZONE,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "completed_by" uuid,
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "reintegration_plans_status_check" CHECK (status IN ('draft', 'submitted', 'awaiting_second_approval', 'approved', 'in_progress', 'completed', 'rejected')),
                CONSTRAINT "reintegration_plans_total_budget_check" CHECK (total_budget_xof >= 0),
                CONSTRAINT "reintegration_plans_approvals_required_check" CHECK (approvals_required IS NULL OR approvals_required IN (1, 2)),
                CONSTRAINT "reintegration_plans_submitted_check" CHECK ((status = 'draft') = (submitted_at IS NULL)),
                CONSTRAINT "reintegration_plans_rejected_check" CHECK ((status = 'rejected') = (rejected_at IS NOT NULL)),
                CONSTRAINT "reintegration_plans_maker_checker_check" CHECK (
                    (first_approved_by IS NULL OR first_approved_by <> submitted_by)
                    AND (second_approved_by IS NULL OR (second_approved_by <> submitted_by AND second_approved_by <> first_approved_by))
                    AND (rejected_by IS NULL OR rejected_by <> submitted_by)
                ),
                CONSTRAINT "reintegration_plans_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "reintegration_plans_owner_created_idx" ON "reintegration_plans" ("owning_organization_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "reintegration_plans_case_idx" ON "reintegration_plans" ("case_id", "created_at")
        `);
        // Issue 10: one plan per case; a rejected plan makes room for a new one.
        await queryRunner.query(`
            CREATE UNIQUE INDEX "reintegration_plans_one_per_case" ON "reintegration_plans" ("case_id") WHERE status <> 'rejected'
        `);
        await queryRunner.query(`
            ALTER TABLE "reintegration_plans"
            ADD CONSTRAINT "reintegration_plans_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reintegration_plans"
            ADD CONSTRAINT "reintegration_plans_owning_organization_id_fkey" FOREIGN KEY ("owning_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);

        await queryRunner.query(`
            CREATE TABLE "reintegration_items" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "plan_id" uuid NOT NULL,
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "dimension" text NOT NULL,
                "type" text NOT NULL,
                "description" text NOT NULL,
                "budget_xof" bigint NOT NULL,
                "partner_organization_id" uuid,
                "status" text NOT NULL,
                "delivered_on" date,
                "evidence_note" text,
                "delivered_by" uuid,
                "cancelled_at" TIMESTAMP WITH TIME ZONE,
                "cancelled_by" uuid,
                "cancel_reason" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid,
                "updated_by" uuid,
                CONSTRAINT "reintegration_items_type_check" CHECK (
                    (dimension = 'economic' AND type IN ('livestock_fattening', 'market_gardening', 'welding', 'cutting_and_sewing', 'carpentry', 'masonry', 'petty_trade', 'other_business', 'vocational_training', 'management_training', 'in_kind_kit'))
                    OR (dimension = 'social' AND type IN ('housing', 'education', 'health_referral', 'documentation'))
                    OR (dimension = 'psychosocial' AND type IN ('counselling', 'peer_group'))
                ),
                CONSTRAINT "reintegration_items_status_check" CHECK (status IN ('planned', 'delivered', 'cancelled')),
                CONSTRAINT "reintegration_items_budget_check" CHECK (budget_xof >= 0),
                CONSTRAINT "reintegration_items_delivered_check" CHECK ((status = 'delivered') = (delivered_on IS NOT NULL)),
                CONSTRAINT "reintegration_items_cancelled_check" CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
                CONSTRAINT "reintegration_items_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "reintegration_items_plan_idx" ON "reintegration_items" ("plan_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "reintegration_items_owner_idx" ON "reintegration_items" ("owning_organization_id", "type")
        `);
        await queryRunner.query(`
            ALTER TABLE "reintegration_items"
            ADD CONSTRAINT "reintegration_items_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "reintegration_plans"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reintegration_items"
            ADD CONSTRAINT "reintegration_items_partner_organization_id_fkey" FOREIGN KEY ("partner_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);

        await queryRunner.query(`
            CREATE TABLE "reintegration_visits" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "plan_id" uuid NOT NULL,
                "case_id" uuid NOT NULL,
                "owning_organization_id" uuid NOT NULL,
                "visit_date" date NOT NULL,
                "visit_type" text NOT NULL,
                "visited_by" text NOT NULL,
                "answers" jsonb NOT NULL,
                "scheme_id" uuid NOT NULL,
                "scores" jsonb NOT NULL,
                "economic_score" numeric(5,4),
                "social_score" numeric(5,4),
                "psychosocial_score" numeric(5,4),
                "composite_score" numeric(5,4),
                "recorded_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "reintegration_visits_type_check" CHECK (visit_type IN ('baseline', 'follow_up', 'final')),
                CONSTRAINT "reintegration_visits_scores_check" CHECK (
                    (economic_score IS NULL OR economic_score BETWEEN 0 AND 1)
                    AND (social_score IS NULL OR social_score BETWEEN 0 AND 1)
                    AND (psychosocial_score IS NULL OR psychosocial_score BETWEEN 0 AND 1)
                    AND (composite_score IS NULL OR composite_score BETWEEN 0 AND 1)
                ),
                CONSTRAINT "reintegration_visits_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "reintegration_visits_plan_idx" ON "reintegration_visits" ("plan_id", "visit_date", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "reintegration_visits_case_idx" ON "reintegration_visits" ("case_id", "visit_date", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "reintegration_visits_owner_idx" ON "reintegration_visits" ("owning_organization_id", "visit_date")
        `);
        await queryRunner.query(`
            ALTER TABLE "reintegration_visits"
            ADD CONSTRAINT "reintegration_visits_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "reintegration_plans"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reintegration_visits"
            ADD CONSTRAINT "reintegration_visits_scheme_id_fkey" FOREIGN KEY ("scheme_id") REFERENCES "scoring_schemes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "reintegration_visits"`);
        await queryRunner.query(`DROP TABLE "reintegration_items"`);
        await queryRunner.query(`DROP TABLE "reintegration_plans"`);
        await queryRunner.query(`DROP TABLE "scoring_schemes"`);
        await queryRunner.query(`DROP FUNCTION scoring_schemes_append_only()`);
    }
}
