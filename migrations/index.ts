import { CreateFoundation1763884800000 } from './1763884800000-create-foundation.js';
import { CreateIdentity1795425359659 } from './1795425359659-create-identity.js';
import { CreateCases1795426324907 } from './1795426324907-create-cases.js';
import { CreateReferrals1795432711912 } from './1795432711912-create-referrals.js';
import { CreateActivities1795600000000 } from './1795600000000-create-activities.js';
import { CreateStays1795700000000 } from './1795700000000-create-stays.js';
import { CreateLetters1795800000000 } from './1795800000000-create-letters.js';
import { AuditUnsealedQueue1795900000000 } from './1795900000000-audit-unsealed-queue.js';
import { NameSearchTokens1796000000000 } from './1796000000000-name-search-tokens.js';
import { NameCandidates1796100000000 } from './1796100000000-name-candidates.js';
import { CaseSharesTable1796110000000 } from './1796110000000-case-shares-table.js';
import { CreateReturns1796200000000 } from './1796200000000-create-returns.js';
import { AddCaseMigrantCategory1796300000000 } from './1796300000000-add-case-migrant-category.js';
import { AddReintegrationBudgetCeiling1796310000000 } from './1796310000000-add-reintegration-budget-ceiling.js';
import { CreateReintegration1796320000000 } from './1796320000000-create-reintegration.js';
import { ReportIndexes1796400000000 } from './1796400000000-report-indexes.js';
import { CreateDataProtection1796500000000 } from './1796500000000-create-data-protection.js';
import { GinWithoutPendingList1796600000000 } from './1796600000000-gin-without-pending-list.js';
import { CoveringRegistrationsIndex1796610000000 } from './1796610000000-covering-registrations-index.js';
import { MovementCancellation1796620000000 } from './1796620000000-movement-cancellation.js';

/** Every migration, in order. Explicit (no globs) so the API, worker, CLI and jest load the same list. */
export const MIGRATIONS = [
  CreateFoundation1763884800000,
  CreateIdentity1795425359659,
  CreateCases1795426324907,
  CreateReferrals1795432711912,
  CreateActivities1795600000000,
  CreateStays1795700000000,
  CreateLetters1795800000000,
  AuditUnsealedQueue1795900000000,
  NameSearchTokens1796000000000,
  NameCandidates1796100000000,
  CaseSharesTable1796110000000,
  CreateReturns1796200000000,
  AddCaseMigrantCategory1796300000000,
  AddReintegrationBudgetCeiling1796310000000,
  CreateReintegration1796320000000,
  ReportIndexes1796400000000,
  CreateDataProtection1796500000000,
  GinWithoutPendingList1796600000000,
  CoveringRegistrationsIndex1796610000000,
  MovementCancellation1796620000000,
];
