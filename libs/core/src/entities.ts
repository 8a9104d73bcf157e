import { Activity, ActivityParticipant } from './activities/activity.entity.js';
import { AuditEvent, AuditSeal } from './audit/audit-event.entity.js';
import { SubjectKey } from './audit/subject-key.entity.js';
import { AnonymizationRequest } from './data-protection/anonymization-request.entity.js';
import { AccountLockout, LoginFailure } from './auth/login-failure.entity.js';
import { RefreshToken } from './auth/refresh-token.entity.js';
import { CaseNote } from './cases/case-note.entity.js';
import { Alert } from './alerts/alert.entity.js';
import { Case } from './cases/case.entity.js';
import { Consent } from './cases/consent.entity.js';
import { Counter } from './numbering/counter.entity.js';
import { Letter } from './letters/letter.entity.js';
import { Organization } from './organizations/organization.entity.js';
import { Referral } from './referrals/referral.entity.js';
import { ReintegrationItem, ReintegrationPlan, ReintegrationVisit } from './reintegration/reintegration.entity.js';
import { ScoringScheme } from './reintegration/scoring-scheme.entity.js';
import { Movement, Return } from './returns/return.entity.js';
import { ServiceRecord } from './referrals/service-record.entity.js';
import { Screening } from './cases/screening.entity.js';
import { Site } from './sites/site.entity.js';
import { Stay, StayExtension } from './stays/stay.entity.js';
import { User } from './users/user.entity.js';

/** The one explicit entity list, shared by the API, the worker, the migration CLI and the tests. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ENTITIES: Function[] = [Organization, Site, User, RefreshToken, LoginFailure, AccountLockout, AuditEvent, AuditSeal, Counter, Case, Consent, Screening, CaseNote, Referral, ServiceRecord, Alert, Activity, ActivityParticipant, Stay, StayExtension, Letter, Movement, Return, ScoringScheme, ReintegrationPlan, ReintegrationItem, ReintegrationVisit, SubjectKey, AnonymizationRequest];
