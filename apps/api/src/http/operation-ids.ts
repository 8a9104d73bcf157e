/**
 * The operationId of every route, by controller class and handler: the names the generated web
 * client and Swagger show (`listCases`, `getCase`), verb first, camelCase. Nest's default
 * (`CasesController_list`) leaks class names and changes with a refactor. A route missing here
 * makes building the document throw, so a new route cannot slip through unnamed.
 */
export const OPERATION_IDS: Record<string, Record<string, string>> = {
  HealthController: { live: 'getLiveness', ready: 'getReadiness' },
  AuthController: { login: 'login', refresh: 'refreshSession', logout: 'logout', me: 'getMe' },
  OrganizationsController: {
    create: 'createOrganization',
    list: 'listOrganizations',
    get: 'getOrganization',
    update: 'updateOrganization',
    createSite: 'createSite',
    listSites: 'listOrganizationSites',
  },
  SitesController: { list: 'listSites', get: 'getSite', update: 'updateSite', services: 'listServices' },
  UsersController: { create: 'createUser', list: 'listUsers', get: 'getUser', update: 'updateUser' },
  AuditController: { list: 'listAuditEvents', verify: 'verifyAuditTrail' },
  CasesController: {
    register: 'registerCase',
    list: 'listCases',
    get: 'getCase',
    update: 'updateCase',
    assign: 'assignCase',
    close: 'closeCase',
    reopen: 'reopenCase',
    addNote: 'addCaseNote',
    notes: 'listCaseNotes',
    timeline: 'getCaseTimeline',
    duplicates: 'listCaseDuplicates',
    duplicateCheck: 'checkDuplicates',
    recordConsent: 'recordConsent',
    listConsents: 'listConsents',
    withdrawConsent: 'withdrawConsent',
    screen: 'screenCase',
    listScreenings: 'listScreenings',
  },
  CaseReferralsController: { create: 'createReferral', list: 'listCaseReferrals', record: 'recordCaseService', listServices: 'listCaseServices' },
  ReferralsController: {
    list: 'listReferrals',
    get: 'getReferral',
    accept: 'acceptReferral',
    decline: 'declineReferral',
    complete: 'completeReferral',
    cancel: 'cancelReferral',
  },
  ServicesController: { list: 'listServiceRecords' },
  AlertsController: { list: 'listAlerts', acknowledge: 'acknowledgeAlert' },
  ActivitiesController: { record: 'recordActivity', list: 'listActivities', get: 'getActivity' },
  StaysController: {
    checkIn: 'checkIn',
    list: 'listStays',
    get: 'getStay',
    checkOut: 'checkOut',
    requestExtension: 'requestStayExtension',
    extensions: 'listStayExtensions',
    approve: 'approveStayExtension',
    reject: 'rejectStayExtension',
  },
  OccupancyController: { occupancy: 'getSiteOccupancy' },
  CaseLettersController: { issue: 'issueLetter', list: 'listCaseLetters' },
  LettersController: { list: 'listLetters', get: 'getLetter', pdf: 'getLetterPdf', revoke: 'revokeLetter' },
  PublicLettersController: { verify: 'verifyLetter', keys: 'listLetterKeys' },
  ReportsController: {
    flows: 'getFlowsReport',
    flowsCsv: 'getFlowsReportCsv',
    referrals: 'getReferralsReport',
    referralsCsv: 'getReferralsReportCsv',
    returns: 'getReturnsReport',
    returnsCsv: 'getReturnsReportCsv',
    reintegration: 'getReintegrationReport',
    reintegrationCsv: 'getReintegrationReportCsv',
    shelter: 'getShelterReport',
    shelterCsv: 'getShelterReportCsv',
    summary: 'getSummaryReport',
  },
  CaseReturnsController: { create: 'createReturn', list: 'listCaseReturns' },
  ReturnsController: {
    list: 'listReturns',
    get: 'getReturn',
    update: 'updateReturn',
    submit: 'submitReturn',
    approve: 'approveReturn',
    reject: 'rejectReturn',
    depart: 'departReturn',
    arrive: 'arriveReturn',
    cancel: 'cancelReturn',
  },
  MovementsController: {
    create: 'createMovement',
    list: 'listMovements',
    get: 'getMovement',
    addReturn: 'addMovementReturn',
    removeReturn: 'removeMovementReturn',
    depart: 'departMovement',
    cancel: 'cancelMovement',
    manifestCsv: 'getMovementManifestCsv',
    manifestPdf: 'getMovementManifestPdf',
  },
  CaseReintegrationController: { create: 'createReintegrationPlan', get: 'getCaseReintegrationPlan', scores: 'getReintegrationScores' },
  ReintegrationPlansController: {
    list: 'listReintegrationPlans',
    get: 'getReintegrationPlan',
    update: 'updateReintegrationPlan',
    addItem: 'addPlanItem',
    updateItem: 'updatePlanItem',
    deliver: 'deliverPlanItem',
    cancelItem: 'cancelPlanItem',
    submit: 'submitReintegrationPlan',
    approve: 'approveReintegrationPlan',
    reject: 'rejectReintegrationPlan',
    complete: 'completeReintegrationPlan',
    recordVisit: 'recordMonitoringVisit',
    visits: 'listMonitoringVisits',
    timeline: 'getReintegrationPlanTimeline',
  },
  ScoringSchemesController: { load: 'loadScoringScheme', list: 'listScoringSchemes', get: 'getScoringScheme' },
  ReintegrationSettingsController: { get: 'getReintegrationSettings', update: 'updateReintegrationSettings' },
  CaseDataProtectionController: { export: 'exportCaseData', request: 'requestAnonymization' },
  AnonymizationRequestsController: {
    list: 'listAnonymizationRequests',
    approve: 'approveAnonymizationRequest',
    reject: 'rejectAnonymizationRequest',
  },
};

/** SwaggerModule.createDocument's `operationIdFactory`: the table's name, or a throw naming the route. */
export function operationIdFactory(table: Record<string, Record<string, string>> = OPERATION_IDS) {
  return (controllerKey: string, methodKey: string): string => {
    const id = Object.hasOwn(table, controllerKey) && Object.hasOwn(table[controllerKey], methodKey) ? table[controllerKey][methodKey] : undefined;
    if (!id) throw new Error(`No operationId for ${controllerKey}.${methodKey}: add one to OPERATION_IDS (apps/api/src/http/operation-ids.ts)`);
    return id;
  };
}

/** Throws when two operations of the document share an operationId (a client would generate one function for both). */
export function assertUniqueOperationIds(doc: { paths: Record<string, object> }): void {
  const seen = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, { operationId?: string }>)) {
      if (!op?.operationId) continue;
      seen.set(op.operationId, [...(seen.get(op.operationId) ?? []), `${method.toUpperCase()} ${path}`]);
    }
  }
  const shared = [...seen].filter(([, routes]) => routes.length > 1).map(([id, routes]) => `${id} (${routes.join(', ')})`);
  if (shared.length) throw new Error(`operationIds used by more than one route: ${shared.join('; ')} (apps/api/src/http/operation-ids.ts)`);
}
