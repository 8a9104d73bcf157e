export * from './reports.module.js';
export * from './reports.service.js';
export * from './report.rules.js';
export * from './report-definitions.js';
export * from './report-params.js';
export * from './report-csv.js';
export * from './suppression.js';
